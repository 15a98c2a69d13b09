import assert from 'node:assert/strict';
import { WebhookDispatcher } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { AssistPushSender, createAssistPlugin } from '@tender/plugin-assist-compat';
import { createSaleorPlugin } from '@tender/plugin-saleor';
import { SaleorReporter } from '@tender/plugin-saleor/dist/saleor-reporter';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { FakeSaleor } from '../support/saleor-fixtures';
import { HostileServer } from '../support/hostile-server';
import { RebindingResolver } from '../support/rebinding-resolver';
import { enableAssist } from '../support/assist-shop';
import { installSaleorStore, saleorReported, signedSaleorWebhook, unreportedSaleorTransaction } from '../support/saleor-store-setup';

const PUBLIC = '93.184.216.34';
const LOOPBACK = '127.0.0.1';

/**
 * DNS rebinding against each caller: a name the attacker controls answers a public
 * address when the URL is registered and loopback when the gateway connects. The
 * gateway's resolver is replaced by the attacker's (RebindingResolver); the servers
 * the loopback answer leads to are real, on this machine. No connection ever goes to
 * the public address: the first answer is only ever used by the registration check.
 */
describe('security: DNS rebinding (public at registration, loopback at connect time)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let merchantId: string;
  let saleor: FakeSaleor;
  let reporterStore: FakeSaleor;
  let target: HostileServer;
  const dns = new RebindingResolver({
    'hooks.rebind.test': { first: PUBLIC, then: LOOPBACK },
    'jwks.rebind.test': { first: PUBLIC, then: LOOPBACK },
    'report.rebind.test': { first: PUBLIC, then: LOOPBACK },
    'push.rebind.test': { first: PUBLIC, then: LOOPBACK },
    // Control: a name that is loopback all along, on a gateway that allows private targets.
    'dev.loopback.test': { first: LOOPBACK, then: LOOPBACK },
  });

  before(async () => {
    saleor = await new FakeSaleor().start();
    reporterStore = await new FakeSaleor().start();
    target = await new HostileServer({ kind: 'answer', status: 200, body: '<pushpaymentresult firstcode="0" secondcode="0"></pushpaymentresult>' }).start();
    t = await startTestGateway({
      plugins: [sandboxPlugin, createSaleorPlugin({ intervalMs: 3600_000 }), createAssistPlugin({ intervalMs: 3600_000, maxAttempts: 1 })],
      resolver: dns.resolve,
    });
    const m = await t.createMerchant('Rebinding');
    merchantId = m.id;
    shop = new MerchantClient(t.gateway.app, m.key);
  });
  after(async () => {
    await t.close();
    await saleor.close();
    await reporterStore.close();
    await target.close();
  });

  it('webhooks: registered on the public answer, refused at connect time', async () => {
    const url = `http://hooks.rebind.test:${target.port}/hooks`;
    const ep = (await shop.post('/v1/webhook_endpoints', { url, events: ['payment.*'] }).expect(201)).body;
    await shop.pay(CARDS.visa);
    await t.gateway.container.resolve(WebhookDispatcher).runOnce();
    const attempts = await t.gateway
      .db('webhook_attempts as a')
      .join('webhook_deliveries as d', 'd.id', 'a.delivery_id')
      .where('d.endpoint_id', ep.id)
      .select('a.*');
    assert.ok(attempts.length > 0);
    for (const a of attempts) assert.match(String(a.error), /hooks\.rebind\.test resolved to 127\.0\.0\.1 \(loopback\), a private or reserved address/);
    assert.equal(target.hits('/hooks'), 0);
    assert.deepEqual(
      dns.lookups
        .filter((l) => l.hostname === 'hooks.rebind.test')
        .map((l) => l.answer)
        .slice(0, 2),
      [PUBLIC, LOOPBACK],
    );
    await t.gateway.db('webhook_endpoints').where({ id: ep.id }).update({ status: 'deleted' });
  });

  it('Saleor JWKS fetch: the store declared on the public answer, its keys never fetched from loopback', async () => {
    const apiUrl = `http://jwks.rebind.test:${saleor.port}/graphql/`;
    await installSaleorStore(t, shop, apiUrl);
    const res = await signedSaleorWebhook(t.gateway.app, saleor, apiUrl);
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'signature_invalid');
    assert.equal(saleor.jwksFetches, 0);
    assert.equal(dns.count('jwks.rebind.test'), 2, 'once at declaration, once at connect time');
  });

  it('Saleor status reporter: never reaches loopback', async () => {
    const apiUrl = `http://report.rebind.test:${reporterStore.port}/graphql/`;
    await installSaleorStore(t, shop, apiUrl);
    const paymentId = await unreportedSaleorTransaction(t, shop, apiUrl);
    await t.gateway.container.resolve(SaleorReporter).runOnce();
    assert.equal(reporterStore.calls.length, 0);
    assert.equal(await saleorReported(t, paymentId), false);
    assert.ok(dns.count('report.rebind.test') >= 2);
  });

  it('Assist result push: result_url accepted on the public answer, the push refused at connect time', async () => {
    await enableAssist(t.gateway.app, merchantId, { result_url: `http://push.rebind.test:${target.port}/result` });
    await shop.pay(CARDS.visa);
    await t.gateway.container.resolve(AssistPushSender).runOnce();
    const pushes = await t.gateway.db('assist_pushes').where({ merchant_id: merchantId });
    assert.ok(pushes.length > 0);
    assert.equal(target.hits('/result'), 0);
    for (const p of pushes) {
      assert.notEqual(p.status, 'delivered');
      if (p.last_error !== null) assert.match(String(p.last_error), /push\.rebind\.test resolved to 127\.0\.0\.1/);
    }
  });

  it('control: the connection uses the address the guard checked (a loopback name where private targets are allowed)', async () => {
    const open = await startTestGateway({ env: { TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' }, resolver: dns.resolve });
    try {
      const merchant = new MerchantClient(open.gateway.app, (await open.createMerchant('Control')).key);
      await merchant.post('/v1/webhook_endpoints', { url: `http://dev.loopback.test:${target.port}/control`, events: ['payment.*'] }).expect(201);
      await merchant.pay(CARDS.visa);
      await open.gateway.container.resolve(WebhookDispatcher).runOnce();
      assert.ok(target.hits('/control') > 0, 'delivered through the resolver the guard used');
      assert.equal(target.requests.find((r) => r.path === '/control')?.headers.host, `dev.loopback.test:${target.port}`);
    } finally {
      await open.close();
    }
  });
});
