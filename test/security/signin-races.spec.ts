import assert from 'node:assert/strict';
import request from 'supertest';
import { Secret, TOTP } from 'otpauth';
import { FixedClock, Gateway, verifyPassword } from '@tender/core';
import { TotpService, dashboardPlugin } from '@tender/dashboard';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { WebArea, createMerchantUser, createOperatorAccount, csrfOf, postSignin } from '../support/web-session';
import { FormPost, ServedApp, burstPastTheLimit, cookieHeader, serveCounting } from '../support/attempt-burst';

/** The documented limits (docs/dashboard.md): 5 attempts per e-mail or account, 30 per client address, per 15 minutes. */
const PER_ACCOUNT = 5;
const PER_ADDRESS = 30;

/**
 * Issue 16, item 2: the lock check, the password check and the failure count were not
 * atomic, so 50 sign-ins sent at once (49 wrong passwords and the right one) all passed
 * the check and the right one signed in. The 49 wrong attempts are written at the same
 * instant on connections opened beforehand (each sign-in attempt a browser of its own,
 * with its own form cookie and token); the right secret is sent once they have all
 * reached the gateway, so it comes past the limit. Runs on SQLite and MariaDB.
 */
describe('security: sign-in lockout under parallel attempts', function () {
  this.timeout(120_000);
  const clock = new FixedClock(Date.now());
  let t: TestGateway;
  let served: ServedApp;

  beforeEach(async () => {
    // A gateway per test: the per-address limit counts every test's failures from 127.0.0.1.
    t = await startTestGateway({ clock });
    served = await serveCounting(t.gateway.app);
  });
  afterEach(async () => {
    await served.close();
    await t.close();
  });

  /** A browser that has loaded the sign-in form: the sign-in POST it would send (double-submit cookie and token). */
  async function signinPost(target: ServedApp, area: WebArea, email: string, password: string): Promise<FormPost> {
    const form = await request(target.url).get(`/${area}/signin`).expect(200);
    return { target, path: `/${area}/signin`, cookie: cookieHeader(form.headers['set-cookie']), form: { _csrf: csrfOf(form.text), email, password } };
  }

  async function passwordBurst(targets: readonly ServedApp[], area: WebArea, email: string, right: string): Promise<number[]> {
    const wrong = await Promise.all(Array.from({ length: 49 }, (_, i) => signinPost(targets[i % targets.length], area, email, `wrong password ${i}`)));
    const answers = await burstPastTheLimit(wrong, await signinPost(targets[49 % targets.length], area, email, right));
    return answers.map((a) => a.status);
  }

  /** Signs in with the form; the session cookie and the page's CSRF token of `next`. */
  async function signedIn(email: string, password: string, next: string): Promise<{ cookie: string; csrf: string; location: string }> {
    const agent = request.agent(served.url);
    const res = await postSignin(agent, 'dashboard', email, password);
    assert.equal(res.status, 303);
    const cookie = cookieHeader(res.headers['set-cookie'])
      .split('; ')
      .filter((c) => c.startsWith('tender_dashboard_session='))
      .join('; ');
    const page = await request(served.url).get(next).set('Cookie', cookie).expect(200);
    return { cookie, csrf: csrfOf(page.text), location: String(res.headers.location) };
  }

  async function sessionsOf(accountId: string, stage?: 'full'): Promise<number> {
    const q = t.gateway.db('web_sessions').where({ account_id: accountId });
    if (stage !== undefined) q.where({ stage });
    return Number((await q.count({ n: '*' }).first())?.n ?? 0);
  }

  function assertHeld(statuses: number[], limit: number): void {
    assert.equal(statuses.filter((s) => s === 303).length, 0, `no attempt may succeed past the limit: ${statuses.join(' ')}`);
    const checked = statuses.filter((s) => s !== 429).length;
    assert.ok(checked <= limit, `${checked} attempts were checked; at most ${limit} may be: ${statuses.join(' ')}`);
    assert.equal(statuses[statuses.length - 1], 429, 'the right secret, past the limit, is refused as locked');
  }

  it('dashboard password: 50 parallel attempts (49 wrong, then the right one) give 0 sign-ins', async () => {
    const user = await createMerchantUser(t);
    const statuses = await passwordBurst([served], 'dashboard', user.email, user.password);
    assertHeld(statuses, PER_ACCOUNT);
    assert.equal(await sessionsOf(user.accountId), 0);
    // Still locked afterwards, for the right password too.
    assert.equal((await postSignin(request.agent(served.url), 'dashboard', user.email, user.password)).status, 429);
  });

  it('console password across two gateway processes on one database: 0 sign-ins', async () => {
    const operator = await createOperatorAccount(t);
    const second = await Gateway.create(t.gateway.config, { plugins: [sandboxPlugin, dashboardPlugin], clock });
    const secondServed = await serveCounting(second.app);
    try {
      const statuses = await passwordBurst([served, secondServed], 'console', operator.email, operator.password);
      assertHeld(statuses, PER_ACCOUNT);
      assert.equal(await sessionsOf(operator.accountId), 0);
    } finally {
      await secondServed.close();
      await second.close();
    }
  });

  it('TOTP code: 50 parallel codes on one half-signed-in session (49 wrong, then the right one) give 0 sign-ins', async () => {
    const user = await createMerchantUser(t);
    const totpService = t.gateway.container.resolve(TotpService);
    const enrolment = await totpService.startEnrolment(user.accountId, user.email);
    const totp = new TOTP({ issuer: 'Tender', label: user.email, secret: Secret.fromBase32(enrolment.secret), digits: 6, period: 30 });
    await totpService.confirmEnrolment(user.accountId, totp.generate({ timestamp: clock.now() }));
    clock.advance(120_000); // a fresh time step: the enrolment code is spent

    const pending = await signedIn(user.email, user.password, '/dashboard/signin/code');
    assert.match(pending.location, /\/dashboard\/signin\/code/);

    const valid = new Set([-1, 0, 1].map((d) => totp.generate({ timestamp: clock.now() + d * 30_000 })));
    const wrong: string[] = [];
    for (let n = 100_000; wrong.length < 49; n += 7919) if (!valid.has(String(n))) wrong.push(String(n));
    const post = (code: string): FormPost => ({ target: served, path: '/dashboard/signin/code', cookie: pending.cookie, form: { _csrf: pending.csrf, code } });
    const statuses = (await burstPastTheLimit(wrong.map(post), post(totp.generate({ timestamp: clock.now() })))).map((a) => a.status);
    assertHeld(statuses, PER_ACCOUNT);
    assert.equal(await sessionsOf(user.accountId, 'full'), 0, 'no session got past the code step');
  });

  it('password change: 50 parallel changes (49 wrong current passwords, then the right one) change nothing', async () => {
    const user = await createMerchantUser(t);
    const session = await signedIn(user.email, user.password, '/dashboard/security');
    const next = 'a brand new passphrase 42';
    const post = (current: string): FormPost => ({
      target: served,
      path: '/dashboard/security/password',
      cookie: session.cookie,
      form: { _csrf: session.csrf, current_password: current, new_password: next, new_password_again: next },
    });
    const statuses = (
      await burstPastTheLimit(
        Array.from({ length: 49 }, (_, i) => post(`wrong current ${i}`)),
        post(user.password),
      )
    ).map((a) => a.status);
    assertHeld(statuses, PER_ACCOUNT);
    const row = await t.gateway.db('web_accounts').where({ id: user.accountId }).first();
    assert.ok(await verifyPassword(user.password, String(row!.password_hash)), 'the password is unchanged');
  });

  it('one password sprayed over 50 e-mails from one address: at most the per-address limit is checked', async () => {
    const posts = await Promise.all(Array.from({ length: 50 }, (_, i) => signinPost(served, 'dashboard', `spray-${i}@example.com`, 'Summer2026!Summer')));
    const statuses = (await burstPastTheLimit(posts.slice(0, 49), posts[49])).map((a) => a.status);
    const checked = statuses.filter((s) => s !== 429).length;
    assert.ok(checked <= PER_ADDRESS, `${checked} attempts were checked; at most ${PER_ADDRESS} may be`);
    assert.equal(statuses.filter((s) => s === 429).length, 50 - checked);
  });
});
