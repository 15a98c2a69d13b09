import assert from 'node:assert/strict';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { WebAgent, createMerchantUser, merchantAgent, operatorAgent, signInAgent } from '../support/web-session';

const count = async (t: TestGateway, table: string, where: Record<string, unknown> = {}): Promise<number> =>
  Number((await t.gateway.db(table).where(where).count({ n: '*' }).first())?.n ?? 0);

describe('web shell: CSRF', function () {
  let t: TestGateway;
  let owner: WebAgent;

  before(async () => {
    t = await startTestGateway();
    owner = await merchantAgent(t, { role: 'owner' });
  });
  after(() => t.close());

  it('refuses a form post without the token with the 403 page, and nothing changes', async () => {
    const users = await count(t, 'web_accounts');
    const res = await owner.agent.post('/dashboard/team').type('form').send({ email: 'forged@example.com', role: 'owner' }).expect(403);
    assert.match(res.text, /id="csrf-refused"/);
    assert.match(res.text, /Nothing was changed/);
    assert.equal(await count(t, 'web_accounts'), users);
    assert.equal(await count(t, 'email_outbox'), 0);
  });

  it('refuses a wrong token, and the token of another session', async () => {
    const other = await merchantAgent(t, { role: 'owner' });
    const users = await count(t, 'web_accounts');
    await owner.agent
      .post('/dashboard/team')
      .type('form')
      .send({ _csrf: `${owner.csrf.slice(0, -1)}${owner.csrf.endsWith('x') ? 'y' : 'x'}`, email: 'forged@example.com', role: 'owner' })
      .expect(403);
    await owner.agent.post('/dashboard/team').type('form').send({ _csrf: other.csrf, email: 'forged@example.com', role: 'owner' }).expect(403);
    await owner.agent.post('/dashboard/team').set('X-CSRF-Token', other.csrf).send({ email: 'forged@example.com', role: 'owner' }).expect(403);
    assert.equal(await count(t, 'web_accounts'), users);
  });

  it('refuses sign-out, sign-out everywhere, the mode switch and TOTP enrolment without the token', async () => {
    const sessions = await count(t, 'web_sessions', { account_id: owner.user.accountId });
    await owner.agent.post('/dashboard/signout').type('form').send({}).expect(403);
    await owner.agent.post('/dashboard/security/signout-everywhere').type('form').send({}).expect(403);
    await owner.agent.post('/dashboard/mode').type('form').send({ mode: 'live' }).expect(403);
    await owner.agent.post('/dashboard/security/totp').type('form').send({}).expect(403);
    assert.equal(await count(t, 'web_sessions', { account_id: owner.user.accountId }), sessions);
    const account = await t.gateway.db('web_accounts').where({ id: owner.user.accountId }).first();
    assert.equal(account!.totp_secret_box, null);
    const page = await owner.agent.get('/dashboard').expect(200);
    assert.match(page.text, /class="test-banner"/, 'still in test mode');
  });

  it('accepts the token as the _csrf field or the X-CSRF-Token header', async () => {
    await owner.agent.post('/dashboard/mode').type('form').send({ _csrf: owner.csrf, mode: 'test' }).expect(303);
    await owner.agent.post('/dashboard/mode').set('X-CSRF-Token', owner.csrf).send({ mode: 'test' }).expect(303);
  });

  it('guards the console the same way', async () => {
    const op = await operatorAgent(t);
    const res = await op.agent.post('/console/security/signout-everywhere').type('form').send({}).expect(403);
    assert.match(res.text, /id="csrf-refused"/);
    await op.agent.post('/console/security/signout-everywhere').type('form').send({ _csrf: op.csrf }).expect(303);
  });

  it('refuses a sign-in form posted without its own token (login CSRF)', async () => {
    const user = await createMerchantUser(t);
    const res = await (
      await import('supertest')
    )
      .default(t.gateway.app)
      .post('/dashboard/signin')
      .type('form')
      .send({ email: user.email, password: user.password })
      .expect(403);
    assert.equal(
      ([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => c.startsWith('tender_dashboard_session=')),
      false,
    );
    await signInAgent(t.gateway.app, 'dashboard', user);
  });

  it("answers a script's request (Accept: application/json) with the catalogue's JSON errors", async () => {
    const refused = await owner.agent.post('/dashboard/mode').set('Accept', 'application/json').send({ mode: 'live' }).expect(403);
    assert.equal(refused.body.error.code, 'csrf_token_invalid');
    const anonymous = await (
      await import('supertest')
    )
      .default(t.gateway.app)
      .post('/dashboard/mode')
      .set('Accept', 'application/json')
      .send({ mode: 'live' })
      .expect(401);
    assert.equal(anonymous.body.error.code, 'web_session_required');
    const support = await merchantAgent(t, { role: 'support', merchantId: owner.user.merchantId });
    const forbidden = await support.agent.get('/dashboard/team').set('Accept', 'application/json').expect(403);
    assert.equal(forbidden.body.error.code, 'web_role_forbidden');
    const agent = (await import('supertest')).default.agent(t.gateway.app);
    const form = await agent.get('/dashboard/signin').expect(200);
    const failed = await agent
      .post('/dashboard/signin')
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '', email: owner.user.email, password: 'wrong password' })
      .expect(401);
    assert.equal(failed.body.error.code, 'web_signin_failed');
  });
});
