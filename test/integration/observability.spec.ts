import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Request, Router } from 'express';
import { Gateway, definePlugin, loadConfig } from '@tender/core';
import { ConnectionHealth } from '@tender/core/dist/routing/connection-health';
import { metricsAccess } from '@tender/core/dist/observability/metrics-access';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { FAST_WEBHOOKS, WebhookReceiver } from '../support/webhook-receiver';
import { SmtpSink } from '../support/smtp-sink';

/** Every `name{labels} value` sample line of a Prometheus text exposition. */
function samples(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      assert.ok(m !== null, `not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2]!;
      return { name: m[1], labels, value: Number(m[3]) };
    });
}

function sampleValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  return samples(text).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

async function scrape(t: TestGateway, token?: string): Promise<string> {
  const req = request(t.gateway.app).get('/metrics');
  if (token !== undefined) req.set('Authorization', `Bearer ${token}`);
  const res = await req.expect(200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return res.text;
}

/** Issue 25 item 2: /metrics, /readyz and the request id, through real HTTP on a real database. */
describe('observability: metrics, readiness, request ids', function () {
  this.timeout(60_000);

  describe('metrics after payments, a bank call, a webhook and an e-mail', () => {
    let t: TestGateway;
    let shop: MerchantClient;
    let receiver: WebhookReceiver;
    let smtp: SmtpSink;
    let paymentId = '';

    before(async () => {
      receiver = await new WebhookReceiver().start();
      smtp = await new SmtpSink().start();
      t = await startTestGateway({ env: { ...FAST_WEBHOOKS, TENDER_SMTP_URL: smtp.url() } });
      t.gateway.startBackgroundJobs();
      const m = await t.createMerchant('Metrics Shop');
      shop = new MerchantClient(t.gateway.app, m.key);
      await shop.post('/v1/webhook_endpoints', { url: receiver.url(), events: ['payment.captured'] }).expect(201);
      const paid = await shop.pay(CARDS.visa, { customer_email: 'buyer@example.com' });
      assert.equal(paid.status, 'captured');
      paymentId = paid.id;
      await shop.get(`/v1/payments/${paymentId}`).expect(200);
      await receiver.until(() => receiver.acknowledged().length === 1, 'the webhook delivered');
      await eventuallyTrue(async () => sampleValue(await scrape(t), 'tender_email_sends_total', { outcome: 'sent' }) === 1, 'the receipt e-mail counted');
    });
    after(async () => {
      await t.close();
      await receiver.close();
      await smtp.close();
    });

    it('exposes the expected metric names, counted after the payment and its bank call', async () => {
      const text = await scrape(t);
      for (const name of [
        'tender_http_request_duration_seconds',
        'tender_bank_calls_total',
        'tender_bank_call_duration_seconds',
        'tender_payment_confirmations_total',
        'tender_webhook_attempts_total',
        'tender_email_sends_total',
        'tender_outbox_backlog',
        'tender_outbox_oldest_due_seconds',
        'tender_bank_operations_pending',
        'tender_reconciler_backlog',
        'tender_reconciler_oldest_pending_seconds',
        'tender_db_pool_connections',
        'tender_db_pool_max',
        'tender_database_up',
        'tender_bank_breaker_state',
        'process_cpu_seconds_total',
        'nodejs_eventloop_lag_seconds',
      ]) {
        assert.ok(text.includes(`# TYPE ${name} `), `${name} is exposed`);
      }
      assert.equal(sampleValue(text, 'tender_bank_calls_total', { operation: 'authorize', adapter: 'sandbox', connection: 'none', outcome: 'approved' }), 1);
      assert.equal(sampleValue(text, 'tender_bank_call_duration_seconds_count', { operation: 'authorize', adapter: 'sandbox', connection: 'none' }), 1);
      assert.equal(sampleValue(text, 'tender_payment_confirmations_total', { status: 'captured', method: 'card', bank: 'sandbox' }), 1);
      assert.equal(sampleValue(text, 'tender_webhook_attempts_total', { outcome: 'delivered' }), 1);
      assert.equal(sampleValue(text, 'tender_database_up', {}), 1);
      assert.equal(sampleValue(text, 'tender_outbox_backlog', { queue: 'webhooks' }), 0);
      assert.equal(sampleValue(text, 'tender_bank_operations_pending', {}), 0);
      assert.ok((sampleValue(text, 'tender_db_pool_max', {}) ?? 0) >= 1);
      assert.notEqual(sampleValue(text, 'tender_db_pool_connections', { state: 'used' }), undefined);
    });

    it('labels requests with the route pattern, never the URL with its ids', async () => {
      const text = await scrape(t);
      assert.equal(sampleValue(text, 'tender_http_request_duration_seconds_count', { method: 'POST', route: '/v1/payments/:id/confirm', status: '200' }), 1);
      assert.equal(sampleValue(text, 'tender_http_request_duration_seconds_count', { method: 'GET', route: '/v1/payments/:id', status: '200' }), 1);
      assert.equal(sampleValue(text, 'tender_http_request_duration_seconds_count', { method: 'POST', route: '/v1/payments', status: '201' }), 1);
      assert.ok(!text.includes(paymentId), 'a payment id in a label');
      await request(t.gateway.app).get('/no/such/thing-12345').expect(404);
      const after = await scrape(t);
      assert.ok(!after.includes('thing-12345'));
      assert.ok((sampleValue(after, 'tender_http_request_duration_seconds_count', { method: 'GET', route: '(unmatched)', status: '404' }) ?? 0) >= 1);
    });

    it('never lets merchant-controlled text, card data or a hostile URL into a label', async () => {
      const hostile = '4111111111111111 "}\n<script>evil</script> ${x}';
      // Refused or accepted, whatever the API does with it, none of it may reach a label.
      await shop.post('/v1/payments', { amount: 1000, currency: 'RUB', order_id: `order-${hostile}`, description: hostile, metadata: { note: hostile } });
      const p = await shop.createPayment({ description: 'plain', metadata: { note: 'order-plain' } });
      await shop.post(`/v1/payments/${p.id}/confirm`, card(CARDS.doNotHonor, { holder_name: 'EVIL SCRIPT' })).expect(200);
      await request(t.gateway.app).get('/v1/payments/4111111111111111').set('Authorization', `Bearer ${shop.key}`);
      await request(t.gateway.app).get(`/pay/${encodeURIComponent('<script>')}`);
      await request(t.gateway.app).get('/v1/payments').set('X-Request-Id', 'x'.repeat(200)).set('Authorization', `Bearer ${shop.key}`);
      const text = await scrape(t);
      // The sample lines (HELP texts are Tender's and prom-client's own: "descriptors" holds "script").
      const values = text
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .join('\n');
      for (const bad of ['4111111111', '4000000000000002', 'script', 'evil', 'EVIL', '${x}', 'order-', p.id, 'xxxxxxxx'])
        assert.ok(!values.includes(bad), `${bad} reached /metrics`);
      for (const s of samples(text)) {
        for (const [k, v] of Object.entries(s.labels)) assert.match(v, /^[A-Za-z0-9_.:/()*|+ -]{0,100}$/, `label ${k} of ${s.name}: ${v}`);
      }
      assert.equal(sampleValue(text, 'tender_payment_confirmations_total', { status: 'declined', method: 'card', bank: 'sandbox' }), 1);
    });

    it("reports each connection's breaker state", async () => {
      const health = t.gateway.container.resolve(ConnectionHealth);
      for (let i = 0; i < 10; i++) health.record('bcn_metrics1', false, 5);
      const text = await scrape(t);
      assert.equal(sampleValue(text, 'tender_bank_breaker_state', { connection: 'bcn_metrics1', state: 'open' }), 1);
      assert.equal(sampleValue(text, 'tender_bank_breaker_state', { connection: 'bcn_metrics1', state: 'closed' }), 0);
    });

    it('answers /metrics to a direct loopback client only, when no token is set', async () => {
      await request(t.gateway.app).get('/metrics').set('X-Forwarded-For', '203.0.113.9').expect(404);
      await request(t.gateway.app).get('/metrics').set('Forwarded', 'for=203.0.113.9').expect(404);
      // A socket from elsewhere: metricsAccess reads the socket's address, not req.ip.
      const remote = { headers: {}, socket: { remoteAddress: '203.0.113.9' } } as unknown as Request;
      assert.equal(metricsAccess(remote, undefined), 'hidden');
      const mapped = { headers: {}, socket: { remoteAddress: '::ffff:127.0.0.1' } } as unknown as Request;
      assert.equal(metricsAccess(mapped, undefined), 'allow');
    });
  });

  describe('/metrics with TENDER_METRICS_TOKEN', () => {
    const token = 'metrics-token-0123456789abcdef';
    let t: TestGateway;
    before(async () => {
      t = await startTestGateway({ env: { TENDER_METRICS_TOKEN: token } });
    });
    after(() => t.close());

    it('needs the bearer token, from loopback too', async () => {
      const none = await request(t.gateway.app).get('/metrics').expect(401);
      assert.equal(none.body.error.code, 'authentication_required');
      assert.match(String(none.headers['www-authenticate']), /^Bearer/);
      await request(t.gateway.app).get('/metrics').set('Authorization', `Bearer ${token}x`).expect(401);
      await request(t.gateway.app).get('/metrics').set('Authorization', token).expect(401);
      const text = await scrape(t, token);
      assert.ok(text.includes('# TYPE tender_http_request_duration_seconds histogram'));
      // From a remote socket with the token: allowed.
      const remote = { headers: { authorization: `Bearer ${token}` }, socket: { remoteAddress: '203.0.113.9' } } as unknown as Request;
      assert.equal(metricsAccess(remote, token), 'allow');
    });

    it('refuses a token that is too short in the configuration', () => {
      assert.throws(() => loadConfig({ TENDER_METRICS_TOKEN: 'short' }), /TENDER_METRICS_TOKEN/);
    });
  });

  describe('/readyz', () => {
    let t: TestGateway;
    let flagReady = true;
    const flagPlugin = definePlugin({
      name: 'tender-plugin-readiness-flag',
      version: '0.1.0',
      coreRange: '^0.1.0',
      migrations: [
        {
          name: '001-flag',
          up: async (db) => db.schema.createTable('readiness_flag_rows', (tb) => tb.string('id', 40).primary()),
          down: async (db) => db.schema.dropTableIfExists('readiness_flag_rows'),
        },
      ],
      setup(ctx) {
        ctx.registerReadinessCheck({ name: 'flag', check: () => (flagReady ? { ready: true } : { ready: false, reason: 'the flag is down' }) });
      },
    });

    before(async () => {
      t = await startTestGateway({ plugins: [sandboxPlugin, accountsPlugin, flagPlugin] });
    });
    after(() => t.close());

    const readyz = (): request.Test => request(t.gateway.app).get('/readyz');
    const failed = (body: { checks: Array<{ name: string; status: string; reason?: string }> }): string[] =>
      body.checks.filter((c) => c.status === 'failed').map((c) => c.name);

    it('answers 503 naming the missing certificate authority, then 200 once it exists; /healthz stays 200', async () => {
      const before = await readyz().expect(503);
      assert.equal(before.body.status, 'not_ready');
      assert.deepEqual(failed(before.body), ['certificate_authority']);
      assert.match(before.body.checks.find((c: { name: string }) => c.name === 'certificate_authority').reason, /tender ca init/);
      await request(t.gateway.app).get('/healthz').expect(200);
      const { CertificateAuthority } = await import('@tender/plugin-accounts/dist/certificates/certificate-authority');
      await t.gateway.container.resolve(CertificateAuthority).init({ commonName: 'Readiness test CA' });
      const ready = await readyz().expect(200);
      assert.equal(ready.body.status, 'ready');
      assert.deepEqual(ready.body.checks.map((c: { name: string }) => c.name).sort(), ['certificate_authority', 'database', 'flag', 'key_ring', 'migrations']);
      assert.equal(ready.headers['cache-control'], 'no-store');
    });

    it("answers 503 when a plugin's check fails", async () => {
      flagReady = false;
      try {
        const res = await readyz().expect(503);
        assert.deepEqual(failed(res.body), ['flag']);
        assert.equal(res.body.checks.find((c: { name: string }) => c.name === 'flag').reason, 'the flag is down');
      } finally {
        flagReady = true;
      }
    });

    it('answers 503 naming a core or plugin migration the database lacks', async () => {
      const db = t.gateway.db;
      const core = await db('tender_migrations').where({ name: '030-webhook-leases' }).first();
      await db('tender_migrations').where({ name: '030-webhook-leases' }).delete();
      await db('tender_plugin_migrations').where({ plugin: 'tender-plugin-readiness-flag' }).delete();
      try {
        const res = await readyz().expect(503);
        assert.deepEqual(failed(res.body), ['migrations']);
        const reason = String(res.body.checks.find((c: { name: string }) => c.name === 'migrations').reason);
        assert.match(reason, /core: 030-webhook-leases/);
        assert.match(reason, /tender-plugin-readiness-flag: 001-flag/);
      } finally {
        await db('tender_migrations').insert(core);
        await db('tender_plugin_migrations').insert({ plugin: 'tender-plugin-readiness-flag', name: '001-flag', ran_at: Date.now(), adopted_from: null });
      }
      await readyz().expect(200);
    });

    it('a process with another master key is not ready: the stored cards and the CA do not open', async () => {
      const m = await t.createMerchant('Key Shop');
      await new MerchantClient(t.gateway.app, m.key).pay(CARDS.visa);
      const other = await Gateway.create(
        {
          ...loadConfig({
            TENDER_DATA_DIR: t.dataDir,
            TENDER_MASTER_KEY: randomBytes(32).toString('base64'),
            TENDER_ADMIN_TOKEN: 'adm_other_0123456789abcdef',
            TENDER_LOG_LEVEL: 'silent',
            TENDER_RECONCILE_INTERVAL_MS: '0',
          }),
          database: t.database.config,
        },
        { plugins: [sandboxPlugin, accountsPlugin, flagPlugin] },
      );
      try {
        const res = await request(other.app).get('/readyz').expect(503);
        assert.deepEqual(failed(res.body).sort(), ['certificate_authority', 'key_ring']);
        assert.match(String(res.body.checks.find((c: { name: string }) => c.name === 'key_ring').reason), /TENDER_MASTER_KEY/);
      } finally {
        await other.close();
      }
      await readyz().expect(200);
    });

    it('answers 503 with the database closed, without the database error in the body', async () => {
      const mine = await startTestGateway();
      try {
        await mine.gateway.db.destroy();
        const res = await request(mine.gateway.app).get('/readyz').expect(503);
        assert.ok(failed(res.body).includes('database'));
        assert.equal(res.body.checks.find((c: { name: string }) => c.name === 'database').reason, 'the check failed (see the log)');
        await request(mine.gateway.app).get('/healthz').expect(503);
      } finally {
        await mine.close();
      }
    });

    it('refuses a plugin check named like a core one, or badly', async () => {
      const named = (name: string) =>
        definePlugin({
          name: `tender-plugin-bad-check-${name.length}`,
          version: '0.1.0',
          coreRange: '^0.1.0',
          setup: (ctx) => ctx.registerReadinessCheck({ name, check: () => ({ ready: true }) }),
        });
      await assert.rejects(
        startTestGateway({ plugins: [sandboxPlugin, named('database')], dashboard: false }),
        /readiness check named 'database' is registered already/,
      );
      await assert.rejects(startTestGateway({ plugins: [sandboxPlugin, named('Bad Name!')], dashboard: false }), /readiness check needs a name/);
    });
  });

  describe('request ids', () => {
    let t: TestGateway;
    // A plugin route that logs while it serves: its line must carry the request's id too.
    const loggingPlugin = definePlugin({
      name: 'tender-plugin-logs-a-line',
      version: '0.1.0',
      coreRange: '^0.1.0',
      setup(ctx) {
        ctx.registerRoutes(
          '/hello',
          Router().get('/', async (_req, res) => {
            await new Promise((r) => setTimeout(r, 5));
            ctx.core.logger.info({ marker: 'plugin-line' }, 'plugin handled a request');
            res.json({ ok: true });
          }),
        );
      },
    });
    before(async () => {
      t = await startTestGateway({ dashboard: false, captureLogs: true, plugins: [sandboxPlugin, loggingPlugin] });
    });
    after(() => t.close());

    it('puts the id on every line logged while the request is served, and on none after', async () => {
      const res = await request(t.gateway.app).get('/plugins/logs-a-line/hello').set('X-Request-Id', 'plugin-req-1').expect(200);
      assert.equal(res.headers['x-request-id'], 'plugin-req-1');
      const lines = t
        .logs()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; request_id?: string; marker?: string });
      const pluginLine = lines.find((l) => l.marker === 'plugin-line');
      assert.equal(pluginLine?.request_id, 'plugin-req-1');
      assert.equal(lines.find((l) => l.msg === 'request' && l.request_id === 'plugin-req-1')?.request_id, 'plugin-req-1');
      t.gateway.logger.info({ marker: 'outside' }, 'not in a request');
      const outside = t
        .logs()
        .split('\n')
        .filter((l) => l.includes('"marker":"outside"'))
        .map((l) => JSON.parse(l) as { request_id?: string });
      assert.equal(outside.length, 1);
      assert.equal(outside[0].request_id, undefined);
    });

    it('echoes a sane X-Request-Id, generates one otherwise, and puts it in error bodies', async () => {
      const echoed = await request(t.gateway.app).get('/v1/payments').set('X-Request-Id', 'lb-7f3a.42:x_y-z').expect(401);
      assert.equal(echoed.headers['x-request-id'], 'lb-7f3a.42:x_y-z');
      assert.equal(echoed.body.error.request_id, 'lb-7f3a.42:x_y-z');
      assert.equal(echoed.body.error.code, 'authentication_required');
      const generated = await request(t.gateway.app).get('/healthz').expect(200);
      assert.match(String(generated.headers['x-request-id']), /^[0-9a-f-]{36}$/);
      for (const hostile of ['x'.repeat(65), '<script>', 'a b', 'id;drop', '4111111111111111\u00e9']) {
        const res = await request(t.gateway.app).get('/v1/nothing').set('X-Request-Id', hostile);
        assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/, `kept ${hostile}`);
        assert.equal(res.body.error.request_id, res.headers['x-request-id']);
      }
    });
  });
});

describe('observability: events waiting for the webhook fan-out', function () {
  this.timeout(30_000);

  it('counts the events no dispatcher has fanned out yet, and how long the oldest has waited', async () => {
    // No background jobs: nothing fans the payment's events out.
    const t = await startTestGateway();
    try {
      const shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Waiting Shop')).key);
      await shop.pay(CARDS.visa);
      const waiting = Number((await t.gateway.db('events').where('fanout', 0).count({ n: '*' }))[0]?.n);
      assert.ok(waiting >= 2, `the payment's events wait (${waiting})`);
      // A minute old: a gauge stuck at 0 would fail.
      await t.gateway
        .db('events')
        .where('fanout', 0)
        .update({ created_at: Date.now() - 60_000 });
      const text = await scrape(t);
      assert.equal(sampleValue(text, 'tender_outbox_backlog', { queue: 'events' }), waiting);
      const oldest = sampleValue(text, 'tender_outbox_oldest_due_seconds', { queue: 'events' }) ?? -1;
      assert.ok(oldest >= 59, `the oldest waiting event has waited a minute (${oldest} s)`);
      assert.equal(sampleValue(text, 'tender_outbox_backlog', { queue: 'webhooks' }), 0, 'no delivery exists yet');
    } finally {
      await t.close();
    }
  });
});

describe('observability: tender worker with TENDER_WORKER_METRICS_PORT', function () {
  this.timeout(90_000);
  const MAIN = path.join(__dirname, '..', '..', '..', 'core', 'dist', 'main.js');

  it('serves /healthz, /readyz and /metrics (nothing else) on its own port, and stops on SIGTERM', async () => {
    // The process is under test, not the database: the embedded SQLite in a fresh data directory.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-worker-'));
    const child = spawn(process.execPath, [MAIN, 'worker'], {
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', TENDER_WORKER_METRICS_PORT: '0', TENDER_LOG_LEVEL: 'warn', TENDER_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let out = '';
      const base = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /probes and metrics on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m !== null) resolve(m[1]);
        });
        child.once('exit', () => reject(new Error(`the worker did not start:\n${out}`)));
      });
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 200, await ready.clone().text());
      const metrics = await fetch(`${base}/metrics`);
      assert.equal(metrics.status, 200);
      assert.ok((await metrics.text()).includes('# TYPE tender_outbox_backlog gauge'));
      assert.equal((await fetch(`${base}/metrics`, { headers: { 'X-Forwarded-For': '203.0.113.9' } })).status, 404);
      assert.equal((await fetch(`${base}/v1/payments`)).status, 404);
    } finally {
      child.kill('SIGTERM');
      const stuck = setTimeout(() => child.kill('SIGKILL'), 30_000);
      assert.equal(await exited, 0);
      clearTimeout(stuck);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

async function eventuallyTrue(probe: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`never: ${what}`);
}
