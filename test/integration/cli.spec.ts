import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { testDatabaseUrl } from '../support/test-database';

const MAIN = path.join(__dirname, '..', '..', '..', 'core', 'dist', 'main.js');

interface Started {
  child: ChildProcess;
  output: () => string;
  port: number;
}

/** Starts `tender start` as a real process on a free port and waits for its banner. */
async function startProcess(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, 'start'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', TENDER_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
    if (m !== null && /(ready payment|database:)/.test(out)) {
      await new Promise((r) => setTimeout(r, 100));
      return { child, output: () => out, port: Number(m[1]) };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`tender did not start:\n${out}`);
}

describe('the tender command (embedded SQLite default)', function () {
  this.timeout(40_000);
  let dataDir: string;

  before(function () {
    // The first-start experience belongs to the embedded default; one run is enough.
    if (testDatabaseUrl() !== undefined) this.skip();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-cli-'));
  });
  after(() => {
    if (dataDir !== undefined) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('first start: migrates, keeps generated secrets, prints a demo merchant whose payment can be paid; SIGTERM stops it cleanly', async () => {
    const s = await startProcess({ TENDER_DATA_DIR: dataDir });
    try {
      const out = s.output();
      assert.match(out, /WARNING: TENDER_MASTER_KEY is not set/);
      assert.match(out, /Operator token/);
      const key = /test secret key: (sk_test_\w+)/.exec(out)?.[1];
      const paymentId = /ready payment:\s+(pay_\w+)/.exec(out)?.[1];
      assert.ok(key !== undefined && paymentId !== undefined, out);
      for (const f of ['master.key', 'admin-token', 'demo-merchant.json', 'tender.sqlite']) assert.ok(fs.existsSync(path.join(dataDir, f)), f);
      assert.equal((fs.statSync(path.join(dataDir, 'master.key')).mode & 0o777).toString(8), '600');

      const base = `http://127.0.0.1:${s.port}`;
      assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'ok' });
      const paid = await fetch(`${base}/v1/payments/${paymentId}/confirm`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' } } }),
      });
      assert.equal(paid.status, 200);
      assert.equal(((await paid.json()) as { status: string }).status, 'captured');
    } finally {
      s.child.kill('SIGTERM');
    }
    const [code] = (await once(s.child, 'exit')) as [number | null];
    assert.equal(code, 0, s.output());

    // Second start: same secrets, no second demo merchant.
    const again = await startProcess({ TENDER_DATA_DIR: dataDir });
    try {
      assert.doesNotMatch(again.output(), /demo merchant was created/);
      assert.doesNotMatch(again.output(), /just generated/);
    } finally {
      again.child.kill('SIGTERM');
      await once(again.child, 'exit');
    }
  });

  it('finishes an in-flight request before exiting on SIGTERM', async () => {
    const s = await startProcess({ TENDER_DATA_DIR: dataDir, TENDER_SANDBOX_LATENCY_MS: '700' });
    const key = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo-merchant.json'), 'utf8')).testSecretKey as string;
    const base = `http://127.0.0.1:${s.port}`;
    const created = (await (
      await fetch(`${base}/v1/payments`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ amount: 100, currency: 'RUB', order_id: 'sigterm' }),
      })
    ).json()) as { id: string };
    const inFlight = fetch(`${base}/v1/payments/${created.id}/confirm`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' } } }),
    });
    await new Promise((r) => setTimeout(r, 250));
    s.child.kill('SIGTERM');
    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { status: string }).status, 'captured');
    const [code] = (await once(s.child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });

  it('refuses to start in production without a master key', async () => {
    const child = spawn(process.execPath, [MAIN, 'start'], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', TENDER_DATA_DIR: dataDir, TENDER_ADMIN_TOKEN: 'x'.repeat(32) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 1);
    assert.match(err, /TENDER_MASTER_KEY is required/);
  });
});
