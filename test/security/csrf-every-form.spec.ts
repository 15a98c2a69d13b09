import assert from 'node:assert/strict';
import request from 'supertest';
import { TestGateway } from '../support/test-gateway';
import { startLoyaltyGateway } from '../support/loyalty';
import { createMerchantUser, csrfOf, signInAgent } from '../support/web-session';

const count = async (t: TestGateway, table: string, where: Record<string, unknown> = {}): Promise<number> =>
  Number((await t.gateway.db(table).where(where).count({ n: '*' }).first())?.n ?? 0);

/** The CSRF cookie a form page set (`name=value`, without its attributes). */
function cookieOf(res: request.Response, name: string): string {
  const found = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
  assert.ok(found !== undefined, `the page sets ${name}`);
  return found.split(';')[0] ?? '';
}

/**
 * Core's one CSRF mechanism (core/src/web/csrf.ts) on each kind of form: the sign-up
 * page, the sign-in form (before a session), a shell form and a plugin's screen (with a
 * session). A missing token, a wrong one, another browser's and a tossed duplicate
 * cookie are each refused, and nothing changes.
 */
describe('security: one CSRF mechanism on every kind of form', function () {
  this.timeout(60_000);
  let t: TestGateway;

  before(async () => {
    // The loyalty plugin brings a screen with a form (a plugin's screen, not the shell's).
    t = await startLoyaltyGateway();
  });
  after(() => t?.close());

  it("sign-up: refuses a missing, wrong, other browser's or tossed token and creates nothing", async () => {
    const app = t.gateway.app;
    const mine = await request(app).get('/signup').expect(200);
    const theirs = await request(app).get('/signup').expect(200);
    const myCookie = cookieOf(mine, 'tender_signup_csrf');
    const theirToken = csrfOf(theirs.text);
    const fields = { name: 'Forged Shop', email: 'forged@shop.example', password: 'forged shop password' };
    const merchants = await count(t, 'merchants');
    const accounts = await count(t, 'web_accounts');
    await request(app).post('/signup').set('Cookie', myCookie).type('form').send(fields).expect(403);
    await request(app)
      .post('/signup')
      .set('Cookie', myCookie)
      .type('form')
      .send({ ...fields, _csrf: 'x'.repeat(43) })
      .expect(403);
    await request(app)
      .post('/signup')
      .set('Cookie', myCookie)
      .type('form')
      .send({ ...fields, _csrf: theirToken })
      .expect(403);
    await request(app)
      .post('/signup')
      .type('form')
      .send({ ...fields, _csrf: theirToken })
      .expect(403);
    // A sibling site tossing its own cookie of the same name next to the real one: ambiguous, refused.
    await request(app)
      .post('/signup')
      .set('Cookie', `tender_signup_csrf=tossed; ${myCookie}`)
      .type('form')
      .send({ ...fields, _csrf: csrfOf(mine.text) })
      .expect(403);
    await request(app)
      .post('/signup')
      .set('Cookie', `tender_signup_csrf=tossed; ${myCookie}`)
      .type('form')
      .send({ ...fields, _csrf: 'tossed' })
      .expect(403);
    assert.equal(await count(t, 'merchants'), merchants);
    assert.equal(await count(t, 'web_accounts'), accounts);
  });

  it("sign-in: refuses a missing, other browser's or empty token and opens no session", async () => {
    const user = await createMerchantUser(t);
    const app = t.gateway.app;
    const mine = await request(app).get('/dashboard/signin').expect(200);
    const theirs = await request(app).get('/dashboard/signin').expect(200);
    const myCookie = cookieOf(mine, 'tender_signin_csrf');
    const sessions = await count(t, 'web_sessions', { account_id: user.accountId });
    const credentials = { email: user.email, password: user.password };
    for (const token of [undefined, '', csrfOf(theirs.text)]) {
      const res = await request(app)
        .post('/dashboard/signin')
        .set('Cookie', myCookie)
        .type('form')
        .send({ ...credentials, ...(token === undefined ? {} : { _csrf: token }) })
        .expect(403);
      assert.equal(
        ([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => c.startsWith('tender_dashboard_session=')),
        false,
      );
    }
    assert.equal(await count(t, 'web_sessions', { account_id: user.accountId }), sessions);
    // The same browser with its own token signs in.
    await request(app)
      .post('/dashboard/signin')
      .set('Cookie', myCookie)
      .type('form')
      .send({ ...credentials, _csrf: csrfOf(mine.text) })
      .expect(303);
  });

  it("a plugin's screen form: refuses a missing, wrong or other session's token before the screen's submit runs", async () => {
    const merchant = await t.createMerchant('Csrf Tea');
    const owner = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId: merchant.id, role: 'owner' }));
    const other = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId: merchant.id, role: 'owner' }));
    const program = { name: 'Forged', currency: 'RUB', point_value: '100', base_bps: '500', max_redeem_bps: '5000' };
    const programs = await count(t, 'loyalty_programs');
    const missing = await owner.agent.post('/dashboard/loyalty').type('form').send(program).expect(403);
    assert.match(missing.text, /id="csrf-refused"/);
    await owner.agent
      .post('/dashboard/loyalty')
      .type('form')
      .send({ ...program, _csrf: `${owner.csrf}x` })
      .expect(403);
    await owner.agent
      .post('/dashboard/loyalty')
      .type('form')
      .send({ ...program, _csrf: other.csrf })
      .expect(403);
    await owner.agent.post('/dashboard/loyalty').set('X-CSRF-Token', other.csrf).type('form').send(program).expect(403);
    // A multipart post may carry the token in the query only when it is multipart.
    await owner.agent
      .post(`/dashboard/loyalty?_csrf=${encodeURIComponent(owner.csrf)}`)
      .type('form')
      .send(program)
      .expect(403);
    assert.equal(await count(t, 'loyalty_programs'), programs);
    await owner.agent
      .post('/dashboard/loyalty')
      .type('form')
      .send({ ...program, _csrf: owner.csrf })
      .expect(303);
    assert.equal(await count(t, 'loyalty_programs'), programs + 1);
  });

  it("a shell form: a signed-out session's token no longer works", async () => {
    const owner = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t));
    const stale = owner.csrf;
    await owner.agent.post('/dashboard/signout').type('form').send({ _csrf: stale }).expect(303);
    const again = await signInAgent(t.gateway.app, 'dashboard', owner.user);
    assert.notEqual(again.csrf, stale, 'a new session, a new token');
    const sessions = await count(t, 'web_sessions', { account_id: owner.user.accountId });
    await again.agent.post('/dashboard/security/signout-everywhere').type('form').send({ _csrf: stale }).expect(403);
    assert.equal(await count(t, 'web_sessions', { account_id: owner.user.accountId }), sessions);
  });
});
