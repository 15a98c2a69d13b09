import assert from 'node:assert/strict';
import request from 'supertest';
import { WebhookDispatcher, webhookAttemptHistory } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { AssistPushSender, createAssistPlugin } from '@tender/plugin-assist-compat';
import { createSaleorPlugin } from '@tender/plugin-saleor';
import { SaleorReporter } from '@tender/plugin-saleor/dist/saleor-reporter';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { FAST_WEBHOOKS, eventually } from '../support/webhook-receiver';
import { FakeSaleor } from '../support/saleor-fixtures';
import { HostileBehaviour, HostileServer } from '../support/hostile-server';
import { enableAssist } from '../support/assist-shop';
import { installSaleorStore, saleorReported, signedSaleorWebhook, unreportedSaleorTransaction } from '../support/saleor-store-setup';

/** Offered by an endless answer; a guarded client stops reading long before. */
const ENDLESS_BYTES = 64 * 1024 * 1024;
/** Kernel socket buffers on loopback can hold a few MiB the client never read. */
const READ_AT_MOST = 16 * 1024 * 1024;
const SLOW: HostileBehaviour = { kind: 'drip', everyMs: 50, forMs: 25_000 };

let storeSeq = 0;

/**
 * Every gateway-initiated request, caller by caller (webhooks, the Saleor JWKS fetch,
 * the Saleor status reporter, the Assist result push), against targets that attack:
 * a name whose address became loopback after registration, redirects to another
 * server, answers without end, answers that drip. The targets are real servers on
 * loopback; Saleor and the Assist shop are played by them (neither can run here).
 */
describe('security: every outbound caller is guarded', function () {
  this.timeout(120_000);
  let strict: TestGateway;
  let open: TestGateway;
  let strictShop: MerchantClient;
  let openShop: MerchantClient;
  let openMerchantId: string;
  let saleor: FakeSaleor;

  before(async () => {
    saleor = await new FakeSaleor().start();
    const plugins = [
      sandboxPlugin,
      createSaleorPlugin({ intervalMs: 3600_000 }),
      createAssistPlugin({ intervalMs: 3600_000, retryBaseMs: 3600_000, maxAttempts: 1, timeoutMs: 1000 }),
    ];
    // Private addresses not allowed: a loopback target is an attack.
    strict = await startTestGateway({ plugins, env: { TENDER_NOTIFY_POLL_MS: '20' } });
    // Test mode with private addresses allowed, so loopback servers can play hostile shops.
    open = await startTestGateway({ plugins, env: { ...FAST_WEBHOOKS, TENDER_OUTBOUND_TIMEOUT_MS: '1000' } });
    strictShop = new MerchantClient(strict.gateway.app, (await strict.createMerchant('Strict')).key);
    const m = await open.createMerchant('Open');
    openMerchantId = m.id;
    openShop = new MerchantClient(open.gateway.app, m.key);
  });
  after(async () => {
    await strict.close();
    await open.close();
    await saleor.close();
  });

  describe('a name that resolves to loopback after registration (private addresses not allowed)', () => {
    it('webhooks: not sent', async () => {
      const target = await new HostileServer({ kind: 'answer', status: 200, body: 'ok' }).start();
      try {
        const ep = (await strictShop.post('/v1/webhook_endpoints', { url: 'https://93.184.216.34/hooks', events: ['payment.*'] }).expect(201)).body;
        await strict.gateway
          .db('webhook_endpoints')
          .where({ id: ep.id })
          .update({ url: `http://localhost:${target.port}/hooks` });
        await strictShop.pay(CARDS.visa);
        await strict.gateway.container.resolve(WebhookDispatcher).runOnce();
        const attempts = await strict.gateway
          .db('webhook_attempts as a')
          .join('webhook_deliveries as d', 'd.id', 'a.delivery_id')
          .where('d.endpoint_id', ep.id)
          .select('a.*');
        assert.ok(attempts.length > 0);
        for (const a of attempts) assert.match(String(a.error), /refused|private|reserved/);
        assert.equal(target.requests.length, 0);
      } finally {
        await strict.gateway.db('webhook_endpoints').update({ status: 'deleted' });
        await target.close();
      }
    });

    it('Saleor JWKS fetch: not sent, the webhook is refused', async () => {
      const declared = await installSaleorStore(strict, strictShop, 'https://93.184.216.34/graphql/');
      const rebound = `http://localhost:${saleor.port}/graphql/`;
      await strict.gateway.db('saleor_installations').where({ saleor_api_url: declared }).update({ saleor_api_url: rebound });
      const before = saleor.jwksFetches;
      const res = await signedSaleorWebhook(strict.gateway.app, saleor, rebound);
      assert.equal(res.status, 401, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'signature_invalid');
      assert.equal(saleor.jwksFetches, before, 'the JWKS was fetched from loopback');
    });

    it('Saleor status reporter: not sent', async () => {
      const store = await new FakeSaleor().start();
      try {
        const declared = await installSaleorStore(strict, strictShop, 'https://93.184.216.35/graphql/');
        const rebound = `http://localhost:${store.port}/graphql/`;
        await strict.gateway.db('saleor_installations').where({ saleor_api_url: declared }).update({ saleor_api_url: rebound });
        const paymentId = await unreportedSaleorTransaction(strict, strictShop, rebound);
        await strict.gateway.container.resolve(SaleorReporter).runOnce();
        assert.equal(store.calls.length, 0, 'the report reached loopback');
        assert.equal(await saleorReported(strict, paymentId), false);
      } finally {
        await store.close();
      }
    });

    it('Assist result push: not sent', async () => {
      const target = await new HostileServer({
        kind: 'answer',
        status: 200,
        body: '<pushpaymentresult firstcode="0" secondcode="0"></pushpaymentresult>',
      }).start();
      try {
        const merchant = await strict.createMerchant('Assist strict');
        await enableAssist(strict.gateway.app, merchant.id, { result_url: 'https://93.184.216.34/assist-result' });
        await strict.gateway
          .db('assist_merchants')
          .where({ merchant_id: merchant.id })
          .update({ result_url: `http://localhost:${target.port}/result` });
        await new MerchantClient(strict.gateway.app, merchant.key).pay(CARDS.visa);
        await strict.gateway.container.resolve(AssistPushSender).runOnce();
        const pushes = await strict.gateway.db('assist_pushes').where({ merchant_id: merchant.id });
        assert.ok(pushes.length > 0);
        assert.equal(target.requests.length, 0, 'the push reached loopback');
        for (const p of pushes) assert.notEqual(p.status, 'delivered');
      } finally {
        await target.close();
      }
    });
  });

  /** Runs `act` against a hostile server and gives it back for the checks. */
  async function against(behaviour: HostileBehaviour, act: (server: HostileServer) => Promise<void>): Promise<HostileServer> {
    const server = await new HostileServer(behaviour).start();
    try {
      await act(server);
      await server.idle();
      return server;
    } finally {
      await server.close();
    }
  }

  async function webhookTo(url: string): Promise<Record<string, unknown>> {
    await open.gateway.db('webhook_endpoints').update({ status: 'deleted' });
    const ep = (await openShop.post('/v1/webhook_endpoints', { url, events: ['payment.captured'] }).expect(201)).body;
    await openShop.pay(CARDS.visa);
    const dispatcher = open.gateway.container.resolve(WebhookDispatcher);
    let attempt: Record<string, unknown> | undefined;
    await eventually(async () => {
      await dispatcher.runOnce();
      // Failed attempts are webhook_attempts rows; one that delivered is on its delivery row.
      const deliveries = await open.gateway.db('webhook_deliveries').where('endpoint_id', ep.id);
      const first = [...(await webhookAttemptHistory(open.gateway.db, deliveries)).values()].flat()[0];
      attempt = first === undefined ? undefined : { ...first };
      return attempt !== undefined;
    }, 'a webhook attempt');
    return attempt!;
  }

  async function jwksFrom(server: HostileServer): Promise<request.Response> {
    const apiUrl = await installSaleorStore(open, openShop, server.url(`/graphql/${++storeSeq}/`));
    return signedSaleorWebhook(open.gateway.app, saleor, apiUrl);
  }

  async function reportTo(server: HostileServer): Promise<string> {
    const apiUrl = await installSaleorStore(open, openShop, server.url(`/graphql/${++storeSeq}/`));
    const paymentId = await unreportedSaleorTransaction(open, openShop, apiUrl);
    await open.gateway.container.resolve(SaleorReporter).runOnce();
    return paymentId;
  }

  async function pushTo(url: string): Promise<Array<Record<string, unknown>>> {
    await enableAssist(open.gateway.app, openMerchantId, { result_url: url });
    await openShop.pay(CARDS.visa);
    const before = new Set((await open.gateway.db('assist_pushes').whereNot({ status: 'pending' })).map((p) => Number(p.seq)));
    await open.gateway.container.resolve(AssistPushSender).runOnce();
    return (await open.gateway.db('assist_pushes').whereNot({ status: 'pending' })).filter((p) => !before.has(Number(p.seq)));
  }

  describe('redirects are not followed', () => {
    let landing: HostileServer;
    before(async () => {
      landing = await new HostileServer({ kind: 'answer', status: 200, body: '{"keys":[]}' }).start();
    });
    after(async () => landing.close());
    const redirect = (): HostileBehaviour => ({ kind: 'redirect', location: landing.url('/landing') });

    it('webhooks', async () => {
      const server = await against(redirect(), async (s) => {
        const a = await webhookTo(s.url('/hooks'));
        assert.notEqual(a.status_code, 200);
      });
      assert.equal(server.requests.length, 1);
      assert.equal(landing.requests.length, 0);
    });

    it('Saleor JWKS fetch', async () => {
      await against(redirect(), async (server) => {
        const res = await jwksFrom(server);
        assert.equal(res.status, 401);
        assert.equal(server.requests.length, 1);
      });
      assert.equal(landing.requests.length, 0);
    });

    it('Saleor status reporter', async () => {
      await against(redirect(), async (server) => {
        const paymentId = await reportTo(server);
        assert.equal(await saleorReported(open, paymentId), false);
        assert.ok(server.requests.length >= 1);
      });
      assert.equal(landing.requests.length, 0);
    });

    it('Assist result push', async () => {
      await against(redirect(), async (server) => {
        const pushes = await pushTo(server.url('/result'));
        assert.ok(pushes.length > 0 && pushes.every((p) => p.status !== 'delivered'));
      });
      assert.equal(landing.requests.length, 0);
    });
  });

  describe('oversized answers are cut', () => {
    const endless: HostileBehaviour = { kind: 'endless', totalBytes: ENDLESS_BYTES };

    it('webhooks', async () => {
      const server = await against(endless, async (s) => {
        await webhookTo(s.url('/hooks'));
      });
      assert.ok(server.bytesWritten < READ_AT_MOST, `${server.bytesWritten} bytes read`);
    });

    it('Saleor JWKS fetch', async () => {
      const server = await against(endless, async (s) => {
        const res = await jwksFrom(s);
        assert.equal(res.status, 401);
      });
      assert.ok(server.bytesWritten < READ_AT_MOST, `${server.bytesWritten} bytes read`);
    });

    it('Saleor status reporter', async () => {
      const server = await against(endless, async (s) => {
        const paymentId = await reportTo(s);
        assert.equal(await saleorReported(open, paymentId), false);
      });
      assert.ok(server.bytesWritten < READ_AT_MOST, `${server.bytesWritten} bytes read`);
    });

    it('Assist result push', async () => {
      const server = await against(endless, async (s) => {
        const pushes = await pushTo(s.url('/result'));
        assert.ok(pushes.length > 0 && pushes.every((p) => p.status !== 'delivered'));
      });
      assert.ok(server.bytesWritten < READ_AT_MOST, `${server.bytesWritten} bytes read`);
    });
  });

  describe('answers that drip are cut at the deadline', () => {
    it('webhooks', async () => {
      const server = await against(SLOW, async (s) => {
        const attempt = await webhookTo(s.url('/hooks'));
        assert.equal(attempt.status_code, null, JSON.stringify(attempt));
        assert.equal(s.requests.length, 1);
      });
      assert.equal(server.cutByClient, true);
    });

    it('Saleor JWKS fetch', async () => {
      const server = await against(SLOW, async (s) => {
        const res = await jwksFrom(s);
        assert.equal(res.status, 401);
      });
      assert.equal(server.cutByClient, true);
    });

    it('Saleor status reporter', async () => {
      const server = await against(SLOW, async (s) => {
        const paymentId = await reportTo(s);
        assert.equal(await saleorReported(open, paymentId), false);
      });
      assert.equal(server.cutByClient, true);
    });

    it('Assist result push', async () => {
      const server = await against(SLOW, async (s) => {
        const pushes = await pushTo(s.url('/result'));
        assert.ok(pushes.length > 0 && pushes.every((p) => p.status !== 'delivered'));
      });
      assert.equal(server.cutByClient, true);
    });
  });
});
