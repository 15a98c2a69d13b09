import assert from 'node:assert/strict';
import path from 'node:path';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as topUpPlugin } from '@tender/plugin-top-up';
import { CARDS } from '../support/merchant-client';
import { pageTokenOf, postCard } from '../support/hosted-page';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { eventually } from '../support/webhook-receiver';
import { TOP_UP_NUMBERS, TOP_UP_TEST_OPTIONS, putTopUpSettings, topUpSettings } from '../support/top-up-fixtures';

const MAIN = path.join(__dirname, '..', '..', '..', 'core', 'dist', 'main.js');

/**
 * Exactly once across a crash: a real `tender start` process delivers a paid top-up
 * whose provider call takes effect but holds its answer (the sandbox's `...0003`);
 * the process is killed with SIGKILL mid-call, a second process is started on the
 * same database, and the top-up must end delivered with one send and one effect at
 * the provider (the second process inquires once the first one's lease has run out).
 */
describe('mobile top-up: exactly once across a gateway kill -9', function () {
  this.timeout(90_000);
  let t: TestGateway;
  const children: ChildProcess[] = [];

  before(async () => {
    // The in-process gateway prepares the database and pays; its delivery job is off.
    t = await startTestGateway({ plugins: [sandboxPlugin, topUpPlugin], dashboard: false, env: TOP_UP_TEST_OPTIONS });
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await t.close();
  });

  function startGateway(): { child: ChildProcess; port: Promise<number>; output: () => string } {
    const db = t.database.config;
    const child = spawn(process.execPath, [MAIN, 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: db.client === 'sqlite' ? `sqlite:${db.filename}` : db.url,
        TENDER_DATA_DIR: t.dataDir,
        TENDER_MASTER_KEY: t.gateway.config.masterKey ?? '',
        TENDER_ADMIN_TOKEN: t.gateway.config.adminToken ?? '',
        TENDER_PUBLIC_URL: t.gateway.config.publicUrl,
        TENDER_RECONCILE_INTERVAL_MS: '0',
        TENDER_LOG_LEVEL: 'info',
        TENDER_PLUGINS: '@tender/adapter-sandbox,@tender/plugin-top-up',
        TENDER_PLUGIN_TOP_UP_DELIVERY_INTERVAL_MS: '50',
        TENDER_PLUGIN_TOP_UP_PROVIDER_TIMEOUT_MS: '5000',
        TENDER_PLUGIN_TOP_UP_LEASE_MS: '6000',
        TENDER_PLUGIN_TOP_UP_RETRY_MS: '0',
        TENDER_PLUGIN_TOP_UP_SANDBOX_HANG_MS: '600000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    const port = new Promise<number>((resolve, reject) => {
      const seen = (c: Buffer): void => {
        out += c.toString();
        const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
        if (m !== null) resolve(Number(m[1]));
      };
      child.stdout?.on('data', seen);
      child.stderr?.on('data', seen);
      child.once('exit', () => reject(new Error(`the gateway exited before listening:\n${out}`)));
    });
    return { child, port, output: () => out };
  }

  it('a top-up whose gateway was killed mid-call is delivered once after the restart', async () => {
    const { id: merchantId } = await t.createMerchant('Top-ups');
    await putTopUpSettings(t.gateway.app, topUpSettings(merchantId)).expect(200);
    const created = (await request(t.gateway.app).post('/plugins/top-up/api/top-ups').send({ phone: TOP_UP_NUMBERS.timesOut, amount: 20_000 }).expect(201))
      .body as { id: string; status_url: string; payment_url: string };
    await postCard(t.gateway.app, pageTokenOf(created.payment_url), CARDS.visa);
    const db = t.gateway.db;
    assert.equal((await db('top_ups').where({ id: created.id }).first()).status, 'paid');

    const first = startGateway();
    await first.port;
    // The provider has the top-up (it took effect) and is holding its answer: kill the gateway now.
    await eventually(
      async () => (await db('top_up_sandbox_operations').where({ reference: created.id })).length === 1,
      `the first gateway's send (${first.output()})`,
    );
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const crashed = await db('top_ups').where({ id: created.id }).first();
    assert.equal(crashed.status, 'sending', 'killed mid-call: the send is recorded, its answer is not');

    const second = startGateway();
    const port = await second.port;
    await eventually(
      async () => (await db('top_ups').where({ id: created.id }).first()).status === 'delivered',
      `delivery by the restarted gateway (${second.output()})`,
      60_000,
    );
    const calls = (await db('top_up_sandbox_calls').where({ reference: created.id })) as Array<{ kind: string }>;
    assert.equal(calls.filter((c) => c.kind === 'send').length, 1, 'never sent twice');
    assert.ok(
      calls.some((c) => c.kind === 'inquiry'),
      'the restarted gateway asked instead of sending',
    );
    assert.equal((await db('top_up_sandbox_operations').where({ reference: created.id })).length, 1, 'one top-up took effect');
    // The buyer's status, from the restarted process over a real loopback connection.
    const token = created.status_url.split('/status/')[1];
    const res = await fetch(`http://127.0.0.1:${port}/plugins/top-up/api/top-ups/${token}`);
    assert.equal(((await res.json()) as { status: string }).status, 'delivered');
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  });
});
