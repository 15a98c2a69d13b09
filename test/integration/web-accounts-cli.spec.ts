import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { testDatabaseUrl } from '../support/test-database';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { WEB_PASSWORD, postSignin } from '../support/web-session';

const MAIN = path.join(__dirname, '..', '..', '..', 'core', 'dist', 'main.js');
const run = promisify(execFile);

/** Signs in over a real port; the status of the sign-in post. */
async function signInOver(url: string, area: 'dashboard' | 'console', email: string, password: string): Promise<number> {
  return (await postSignin(request.agent(url), area, email, password)).status;
}

describe('web accounts: tender operator, the operator API and the demo sign-ins', function () {
  this.timeout(60_000);

  describe('`npm start` and `tender operator` (embedded SQLite default)', function () {
    let dataDir: string;
    let child: ChildProcess | undefined;

    before(function () {
      // The first-start experience belongs to the embedded default; one run is enough.
      if (testDatabaseUrl() !== undefined) this.skip();
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-web-cli-'));
    });
    afterEach(() => {
      child?.kill('SIGTERM');
      child = undefined;
    });
    after(() => {
      if (dataDir !== undefined) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const start = async (): Promise<{ out: string; url: string }> => {
      const c = spawn(process.execPath, [MAIN, 'start'], {
        env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', TENDER_LOG_LEVEL: 'warn', TENDER_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      let out = '';
      c.stdout?.on('data', (b: Buffer) => (out += b.toString()));
      c.stderr?.on('data', (b: Buffer) => (out += b.toString()));
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const port = /listening on http:\/\/[^:]+:(\d+)/.exec(out)?.[1];
        if (port !== undefined && /Demo sign-ins/.test(out) && /console: /.test(out)) return { out, url: `http://127.0.0.1:${port}` };
        if (c.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`tender did not start:\n${out}`);
    };

    it('prints a dashboard and a console sign-in that work, on the first start and the next', async () => {
      for (let round = 0; round < 2; round++) {
        const { out, url } = await start();
        const dashboard = / dashboard: \S+\/dashboard\s+(\S+) \/ (\S+)/.exec(out);
        const console = / console: \s*\S+\/console\s+(\S+) \/ (\S+)/.exec(out);
        assert.ok(dashboard !== null && console !== null, out);
        assert.equal(await signInOver(url, 'dashboard', dashboard[1] ?? '', dashboard[2] ?? ''), 303);
        assert.equal(await signInOver(url, 'console', console[1] ?? '', console[2] ?? ''), 303);
        child?.kill('SIGTERM');
        await new Promise((r) => child?.once('exit', r));
        child = undefined;
      }
      assert.equal((fs.statSync(path.join(dataDir, 'demo-web-accounts.json')).mode & 0o777).toString(8), '600');
    });

    it('adds an operator from the command line who can then sign in to the console', async () => {
      const env = { PATH: process.env.PATH ?? '', TENDER_LOG_LEVEL: 'silent', TENDER_DATA_DIR: dataDir };
      const added = await run(process.execPath, [MAIN, 'operator', 'add', '--email', 'Night.Shift@Ops.example'], { env });
      const password = /password \(shown once\): (\S+)/.exec(added.stdout)?.[1];
      assert.ok(password !== undefined, added.stdout);
      await assert.rejects(run(process.execPath, [MAIN, 'operator', 'add', '--email', 'night.shift@ops.example'], { env }), /already exists/);
      const list = await run(process.execPath, [MAIN, 'operator', 'list'], { env });
      assert.match(list.stdout, /night\.shift@ops\.example/);
      const link = await run(process.execPath, [MAIN, 'operator', 'link', '--email', 'night.shift@ops.example'], { env });
      assert.match(link.stdout, /\/console\/password\/[0-9A-Za-z]{32}\n$/);
      const { url } = await start();
      assert.equal(await signInOver(url, 'console', 'night.shift@ops.example', password), 303);
    });
  });

  describe('the operator API', function () {
    let t: TestGateway;
    before(async () => {
      t = await startTestGateway();
    });
    after(() => t.close());
    const admin = () => ({
      post: (p: string, body: object) => request(t.gateway.app).post(`/admin/v1${p}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(body),
      get: (p: string) => request(t.gateway.app).get(`/admin/v1${p}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`),
    });

    it('creates an operator with a password, or with a one-time set-password link', async () => {
      const withPassword = await admin().post('/operators', { email: 'a@ops.example', password: WEB_PASSWORD }).expect(201);
      assert.equal(withPassword.body.object, 'operator_account');
      assert.equal(withPassword.body.set_password_url, undefined);
      assert.equal((await postSignin(request.agent(t.gateway.app), 'console', 'a@ops.example', WEB_PASSWORD)).status, 303);
      const withLink = await admin().post('/operators', { email: 'b@ops.example' }).expect(201);
      assert.match(withLink.body.set_password_url, /^http:\/\/pay\.tender\.test\/console\/password\/[0-9A-Za-z]{32}$/);
      assert.equal((await admin().post('/operators', { email: 'A@ops.example' }).expect(409)).body.error.code, 'web_account_exists');
      assert.equal((await admin().post('/operators', { email: 'c@ops.example', password: 'short' }).expect(400)).body.error.code, 'web_password_weak');
      assert.equal((await admin().post('/operators', { email: 'd@ops.example', role: 'owner' }).expect(400)).body.error.code, 'parameter_unknown');
      const list = await admin().get('/operators').expect(200);
      assert.deepEqual(
        list.body.data.map((o: { email: string }) => o.email),
        ['a@ops.example', 'b@ops.example'],
      );
      const audit = await admin().get('/audit').expect(200);
      assert.ok(audit.body.data.some((e: { action: string }) => e.action === 'operator_account.create'));
    });

    it("creates a merchant's user and e-mails the invitation", async () => {
      const merchant = await t.createMerchant('Api Shop');
      const res = await admin().post(`/merchants/${merchant.id}/users`, { email: 'boss@api.example' }).expect(201);
      assert.equal(res.body.role, 'owner');
      assert.equal(res.body.merchant_id, merchant.id);
      assert.match(res.body.set_password_url, /\/dashboard\/password\//);
      assert.ok((await t.gateway.db('email_outbox').where({ recipient: 'boss@api.example', template: 'web_password_link' }).first()) !== undefined);
      await admin().post('/merchants/mer_doesnotexist/users', { email: 'x@api.example' }).expect(404);
      assert.equal((await admin().get(`/merchants/${merchant.id}/users`).expect(200)).body.data.length, 1);
    });
  });
});
