import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Secret, TOTP } from 'otpauth';
import { FixedClock, Gateway, SESSION_LIMITS } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { dashboardPlugin } from '@tender/dashboard';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { makeLoopbackServerCertificate } from '../support/tls-server';
import { createMerchantUser, createOperatorAccount, csrfOf, merchantAgent, postSignin, signInAgent } from '../support/web-session';

const sessionCookieOf = (res: request.Response, name = 'tender_dashboard_session'): string | undefined =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));

describe('web shell: sessions, sign-out everywhere, TOTP', function () {
  const clock = new FixedClock(Date.parse('2026-05-20T08:00:00Z'));
  let t: TestGateway;

  before(async () => {
    t = await startTestGateway({ clock });
  });
  after(() => t.close());

  it('signs out everywhere: every other session of the account ends, this one stays', async () => {
    const user = await createMerchantUser(t);
    const a = await signInAgent(t.gateway.app, 'dashboard', user);
    const b = await signInAgent(t.gateway.app, 'dashboard', user);
    const c = await signInAgent(t.gateway.app, 'dashboard', user);
    const page = await a.agent.get('/dashboard/security').expect(200);
    assert.match(page.text, /Other signed-in sessions: 2\./);
    await a.agent.post('/dashboard/security/signout-everywhere').type('form').send({ _csrf: a.csrf }).expect(303);
    await a.agent.get('/dashboard').expect(200);
    await b.agent.get('/dashboard').expect(303);
    await c.agent.get('/dashboard').expect(303);
    assert.equal(Number((await t.gateway.db('web_sessions').where({ account_id: user.accountId }).count({ n: '*' }).first())?.n), 1);
  });

  it('ends a session after the idle time and after the absolute lifetime', async () => {
    const user = await createMerchantUser(t);
    const idle = await signInAgent(t.gateway.app, 'dashboard', user);
    clock.advance(SESSION_LIMITS.idleMs - 60_000);
    await idle.agent.get('/dashboard').expect(200);
    clock.advance(SESSION_LIMITS.idleMs + 1);
    await idle.agent.get('/dashboard').expect(303);

    const busy = await signInAgent(t.gateway.app, 'dashboard', user);
    for (let spent = 0; spent < SESSION_LIMITS.absoluteMs; spent += SESSION_LIMITS.idleMs / 2) {
      clock.advance(SESSION_LIMITS.idleMs / 2);
      const res = await busy.agent.get('/dashboard');
      if (spent + SESSION_LIMITS.idleMs / 2 >= SESSION_LIMITS.absoluteMs) assert.equal(res.status, 303);
      else assert.equal(res.status, 200);
    }
  });

  it('accepts a session created by one gateway process in another on the same database', async () => {
    const user = await createMerchantUser(t);
    const web = await signInAgent(t.gateway.app, 'dashboard', user);
    const second = await Gateway.create(t.gateway.config, { plugins: [sandboxPlugin, dashboardPlugin], clock });
    try {
      const cookie = sessionCookieOf(await postSignin(request.agent(t.gateway.app), 'dashboard', user.email, user.password)) ?? '';
      const pair = cookie.split(';')[0] ?? '';
      const res = await request(second.app).get('/dashboard/security').set('Cookie', pair).expect(200);
      assert.match(res.text, new RegExp(user.email.replace(/[.]/g, '\\.')));
      // A change made through the second process (sign-out everywhere) holds in the first.
      await request(second.app)
        .post('/dashboard/security/signout-everywhere')
        .set('Cookie', pair)
        .type('form')
        .send({ _csrf: csrfOf(res.text) })
        .expect(303);
      await web.agent.get('/dashboard').expect(303);
      // The lockout counters are shared too.
      const victim = await createMerchantUser(t);
      for (let i = 0; i < 5; i++) await postSignin(request.agent(i % 2 === 0 ? t.gateway.app : second.app), 'dashboard', victim.email, `wrong ${i}`);
      assert.equal((await postSignin(request.agent(second.app), 'dashboard', victim.email, victim.password)).status, 429);
      assert.equal((await postSignin(request.agent(t.gateway.app), 'dashboard', victim.email, victim.password)).status, 429);
    } finally {
      // The second process shares the pool's database; closing it closes only its own pool.
      await second.close();
    }
  });

  it('enrols TOTP with a QR code and a confirmation code, then asks for a code at sign-in (new session id at each step)', async () => {
    const operator = await createOperatorAccount(t);
    const web = await signInAgent(t.gateway.app, 'console', operator);
    await web.agent.post('/console/security/totp').type('form').send({ _csrf: web.csrf }).expect(303);
    const page = await web.agent.get('/console/security').expect(200);
    assert.match(page.text, /<div class="qr" id="totp-qr"><svg/);
    const uri = /id="totp-uri" dir="ltr" href="([^"]+)"|href="(otpauth:[^"]+)" id="totp-uri"/.exec(page.text);
    const secret = /id="totp-secret" dir="ltr">([A-Z2-7]+)</.exec(page.text)?.[1];
    assert.ok(uri !== null && secret !== undefined);
    assert.match((uri[1] ?? uri[2] ?? '').replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'), /^otpauth:\/\/totp\/Tender:.*secret=[A-Z2-7]+/);
    const totp = new TOTP({ issuer: 'Tender', label: operator.email, secret: Secret.fromBase32(secret), digits: 6, period: 30 });
    const wrong = await web.agent
      .post('/console/security/totp/confirm')
      .type('form')
      .send({ _csrf: web.csrf, code: totp.generate({ timestamp: clock.now() + 10 * 60_000 }) })
      .expect(400);
    assert.match(wrong.text, /does not match/);
    await web.agent
      .post('/console/security/totp/confirm')
      .type('form')
      .send({ _csrf: web.csrf, code: totp.generate({ timestamp: clock.now() }) })
      .expect(303);
    assert.match((await web.agent.get('/console/security').expect(200)).text, /data-enabled="true"/);
    const row = await t.gateway.db('web_accounts').where({ id: operator.accountId }).first();
    assert.ok(!String(row!.totp_secret_box).includes(secret), 'the secret is sealed at rest');

    clock.advance(60_000);
    const agent = request.agent(t.gateway.app);
    const first = await postSignin(agent, 'console', operator.email, operator.password);
    assert.equal(first.status, 303);
    assert.match(first.headers.location, /^\/console\/signin\/code/);
    const pendingId = /=([^;]+)/.exec(sessionCookieOf(first, 'tender_console_session') ?? '')?.[1];
    // Half signed in is not signed in.
    await agent.get('/console').expect(303);
    const codePage = await agent.get('/console/signin/code').expect(200);
    const bad = await agent
      .post('/console/signin/code')
      .type('form')
      .send({ _csrf: csrfOf(codePage.text), code: '000000' === totp.generate({ timestamp: clock.now() }) ? '111111' : '000000' });
    assert.equal(bad.status, 401);
    const code = totp.generate({ timestamp: clock.now() });
    const good = await agent
      .post('/console/signin/code')
      .type('form')
      .send({ _csrf: csrfOf(codePage.text), code })
      .expect(303);
    const fullId = /=([^;]+)/.exec(sessionCookieOf(good, 'tender_console_session') ?? '')?.[1];
    assert.ok(pendingId !== undefined && fullId !== undefined && pendingId !== fullId, 'a new session id once the code is right');
    await agent.get('/console').expect(200);
    await request(t.gateway.app).get('/console').set('Cookie', `tender_console_session=${pendingId}`).expect(303);

    // The same code cannot be used twice.
    const replay = request.agent(t.gateway.app);
    await postSignin(replay, 'console', operator.email, operator.password);
    const replayPage = await replay.get('/console/signin/code').expect(200);
    assert.equal(
      (
        await replay
          .post('/console/signin/code')
          .type('form')
          .send({ _csrf: csrfOf(replayPage.text), code })
      ).status,
      401,
    );
  });

  it('serves Secure cookies when the gateway itself speaks TLS', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-web-tls-'));
    const { certFile, keyFile, certificatePem } = makeLoopbackServerCertificate(dir);
    const tls = await startTestGateway({ env: { TENDER_TLS_CERT_FILE: certFile, TENDER_TLS_KEY_FILE: keyFile } });
    try {
      const user = await merchantAgent(tls, { role: 'owner' }).then((w) => w.user);
      const { port } = await tls.gateway.listen(0, '127.0.0.1');
      const call = (method: string, urlPath: string, headers: Record<string, string>, body?: string) =>
        new Promise<{ status: number; cookies: string[]; text: string }>((resolve, reject) => {
          const req = https.request(
            {
              host: '127.0.0.1',
              port,
              path: urlPath,
              method,
              ca: certificatePem,
              headers: {
                ...headers,
                ...(body === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) }),
              },
            },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () =>
                resolve({
                  status: res.statusCode ?? 0,
                  cookies: ([] as string[]).concat(res.headers['set-cookie'] ?? []),
                  text: Buffer.concat(chunks).toString('utf8'),
                }),
              );
            },
          );
          req.on('error', reject);
          req.end(body);
        });
      const form = await call('GET', '/dashboard/signin', {});
      const csrfCookie = form.cookies.find((c) => c.startsWith('tender_signin_csrf=')) ?? '';
      assert.match(csrfCookie, /; Secure/i);
      const body = new URLSearchParams({ _csrf: csrfOf(form.text), email: user.email, password: user.password }).toString();
      const signed = await call('POST', '/dashboard/signin', { Cookie: csrfCookie.split(';')[0] ?? '' }, body);
      assert.equal(signed.status, 303);
      const session = signed.cookies.find((c) => c.startsWith('tender_dashboard_session=')) ?? '';
      assert.match(session, /; Secure/i);
      assert.match(session, /; HttpOnly/i);
      assert.match(session, /; SameSite=Lax/i);
    } finally {
      await tls.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('changes the password with the current one, ending the other sessions', async () => {
    const user = await createMerchantUser(t);
    const a = await signInAgent(t.gateway.app, 'dashboard', user);
    const b = await signInAgent(t.gateway.app, 'dashboard', user);
    const wrong = await a.agent
      .post('/dashboard/security/password')
      .type('form')
      .send({ _csrf: a.csrf, current_password: 'not it at all', new_password: 'a brand new passphrase', new_password_again: 'a brand new passphrase' })
      .expect(400);
    assert.match(wrong.text, /current password is not right/);
    await b.agent.get('/dashboard').expect(200);
    await a.agent
      .post('/dashboard/security/password')
      .type('form')
      .send({ _csrf: a.csrf, current_password: user.password, new_password: 'a brand new passphrase', new_password_again: 'a brand new passphrase' })
      .expect(303);
    await a.agent.get('/dashboard').expect(200);
    await b.agent.get('/dashboard').expect(303);
    assert.equal((await postSignin(request.agent(t.gateway.app), 'dashboard', user.email, user.password)).status, 401);
    assert.equal((await postSignin(request.agent(t.gateway.app), 'dashboard', user.email, 'a brand new passphrase')).status, 303);
  });
});
