import assert from 'node:assert/strict';
import request from 'supertest';
import { hashSessionId } from '@tender/core';
import { SIGNIN_LIMITS } from '@tender/dashboard';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { WEB_PASSWORD, createMerchantUser, createOperatorAccount, csrfOf, postSignin, signInAgent } from '../support/web-session';

const cookiesOf = (res: request.Response): string[] => ([] as string[]).concat(res.headers['set-cookie'] ?? []);
const sessionCookie = (res: request.Response, name = 'tender_dashboard_session'): string | undefined => cookiesOf(res).find((c) => c.startsWith(`${name}=`));

describe('web shell: sign-in and sessions', function () {
  let t: TestGateway;

  before(async () => {
    t = await startTestGateway();
  });
  after(() => t.close());

  it('sends an unsigned visitor to the sign-in page and back to where they were going', async () => {
    const res = await request(t.gateway.app).get('/dashboard/team').expect(303);
    assert.equal(res.headers.location, '/dashboard/signin?next=%2Fdashboard%2Fteam');
    const form = await request(t.gateway.app).get('/dashboard/signin?next=%2Fdashboard%2Fteam').expect(200);
    assert.match(form.text, /name="next" value="\/dashboard\/team"/);
    assert.match(form.headers['content-security-policy'] ?? '', /script-src 'nonce-[^']+'/);
    assert.equal(form.headers['cache-control'], 'no-store');
  });

  it('signs a merchant user in with the right password and refuses a wrong one without saying which part was wrong', async () => {
    const user = await createMerchantUser(t, { role: 'owner' });
    const agent = request.agent(t.gateway.app);
    const bad = await postSignin(agent, 'dashboard', user.email, 'not the password');
    assert.equal(bad.status, 401);
    assert.match(bad.text, /The e-mail or password is not right/);
    const unknown = await postSignin(request.agent(t.gateway.app), 'dashboard', 'nobody@example.com', WEB_PASSWORD);
    assert.equal(unknown.status, 401);
    assert.match(unknown.text, /The e-mail or password is not right/);
    const good = await postSignin(agent, 'dashboard', user.email.toUpperCase(), user.password, '/dashboard/security');
    assert.equal(good.status, 303);
    assert.equal(good.headers.location, '/dashboard/security');
    const page = await agent.get('/dashboard/security').expect(200);
    assert.match(page.text, new RegExp(user.email.replace('.', '\\.')));
  });

  it('keeps the realms apart: a merchant user cannot sign in to the console, an operator not to the dashboard', async () => {
    const user = await createMerchantUser(t);
    const operator = await createOperatorAccount(t);
    assert.equal((await postSignin(request.agent(t.gateway.app), 'console', user.email, user.password)).status, 401);
    assert.equal((await postSignin(request.agent(t.gateway.app), 'dashboard', operator.email, operator.password)).status, 401);
    const console = await signInAgent(t.gateway.app, 'console', operator);
    await console.agent.get('/console').expect(200);
    // The console's cookie is scoped to /console: the dashboard does not see it.
    await console.agent.get('/dashboard').expect(303);
  });

  it('ignores a `next` that leaves the area', async () => {
    const user = await createMerchantUser(t);
    for (const next of ['https://evil.example/', '//evil.example/dashboard', '/console', '/dashboard/../v1']) {
      const res = await postSignin(request.agent(t.gateway.app), 'dashboard', user.email, user.password, next);
      assert.equal(res.status, 303);
      assert.ok(res.headers.location === '/dashboard' || res.headers.location.startsWith('/dashboard/'), `${next} -> ${res.headers.location}`);
      assert.ok(!res.headers.location.includes('//'));
    }
  });

  it('issues a new session id at sign-in (a planted id is worthless) and stores only its hash', async () => {
    const user = await createMerchantUser(t);
    const planted = 'A'.repeat(32);
    const agent = request.agent(t.gateway.app);
    const form = await agent.get('/dashboard/signin').set('Cookie', `tender_dashboard_session=${planted}`).expect(200);
    const res = await agent
      .post('/dashboard/signin')
      .set('Cookie', `tender_dashboard_session=${planted}; tender_signin_csrf=${/tender_signin_csrf=([^;]+)/.exec(cookiesOf(form).join(';'))?.[1] ?? ''}`)
      .type('form')
      .send({ _csrf: csrfOf(form.text), email: user.email, password: user.password })
      .expect(303);
    const cookie = sessionCookie(res);
    assert.ok(cookie !== undefined);
    const id = /^tender_dashboard_session=([^;]+)/.exec(cookie)?.[1] ?? '';
    assert.notEqual(id, planted);
    assert.match(id, /^[0-9A-Za-z]{32}$/);
    const rows = (await t.gateway.db('web_sessions').where({ account_id: user.accountId })) as Array<{ id_hash: string }>;
    assert.deepEqual(
      rows.map((r) => r.id_hash),
      [hashSessionId(id)],
    );
    assert.ok(!rows.some((r) => r.id_hash === id), 'the raw id is not stored');
    // The planted id does not authenticate.
    await request(t.gateway.app).get('/dashboard').set('Cookie', `tender_dashboard_session=${planted}`).expect(303);
    // A second sign-in from the same browser replaces the session again.
    const again = await postSignin(agent, 'dashboard', user.email, user.password);
    const second = /^tender_dashboard_session=([^;]+)/.exec(sessionCookie(again) ?? '')?.[1];
    assert.ok(second !== undefined && second !== id);
    await request(t.gateway.app).get('/dashboard').set('Cookie', `tender_dashboard_session=${id}`).expect(303);
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, scoped to the area, and not Secure over plain HTTP', async () => {
    const user = await createMerchantUser(t);
    const res = await postSignin(request.agent(t.gateway.app), 'dashboard', user.email, user.password);
    const cookie = sessionCookie(res) ?? '';
    assert.match(cookie, /; HttpOnly/i);
    assert.match(cookie, /; SameSite=Lax/i);
    assert.match(cookie, /; Path=\/dashboard/i);
    assert.doesNotMatch(cookie, /; Secure/i);
  });

  it('locks an e-mail after repeated failures, whatever the password, and the lock lives in the database', async () => {
    const user = await createMerchantUser(t);
    for (let i = 0; i < SIGNIN_LIMITS.perEmail.attempts; i++) {
      assert.equal((await postSignin(request.agent(t.gateway.app), 'dashboard', user.email, `wrong ${i}`)).status, 401);
    }
    const locked = await postSignin(request.agent(t.gateway.app), 'dashboard', user.email, user.password);
    assert.equal(locked.status, 429);
    assert.match(locked.text, /Too many failed attempts/);
    assert.equal(sessionCookie(locked), undefined, 'no session while locked');
    const rows = (await t.gateway.db('attempt_counters').where({ purpose: SIGNIN_LIMITS.perEmail.purpose }).whereNotNull('locked_until')) as unknown[];
    assert.ok(rows.length >= 1);
  });

  it('signs out: the session row is gone and the cookie no longer works', async () => {
    const user = await createMerchantUser(t);
    const web = await signInAgent(t.gateway.app, 'dashboard', user);
    const res = await web.agent.post('/dashboard/signout').type('form').send({ _csrf: web.csrf }).expect(303);
    assert.equal(res.headers.location, '/dashboard/signin');
    assert.equal(Number((await t.gateway.db('web_sessions').where({ account_id: user.accountId }).count({ n: '*' }).first())?.n), 0);
    await web.agent.get('/dashboard').expect(303);
  });

  it('shows the sign-in page in Arabic right to left when asked, and remembers the choice', async () => {
    const agent = request.agent(t.gateway.app);
    const ar = await agent.get('/dashboard/signin?lang=ar').expect(200);
    assert.match(ar.text, /<html lang="ar" dir="rtl">/);
    assert.match(ar.text, /سجّل الدخول/);
    const again = await agent.get('/dashboard/signin').expect(200);
    assert.match(again.text, /<html lang="ar" dir="rtl">/);
    const ru = await request(t.gateway.app).get('/console/signin').set('Accept-Language', 'ru-RU,ru;q=0.9').expect(200);
    assert.match(ru.text, /<html lang="ru" dir="ltr">/);
  });
});
