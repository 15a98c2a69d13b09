import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { PaymentSearch } from '@tender/dashboard/dist/dashboard/payment-search';
import { filterOf, paymentFilterSchema } from '@tender/dashboard/dist/dashboard/payment-filter';
import { TestGateway, startTestGateway, ADMIN_TOKEN } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { pageTokenOf, postCard } from '../support/hosted-page';
import { createMerchantUser, signInAgent } from '../support/web-session';

/** The accounts plugin's tables (its migration 001-accounts-tables; core's 008 made them until core 0.1). */
const ACCOUNT_TABLES = [
  'certificate_authorities',
  'payers',
  'payer_accounts',
  'payer_certificates',
  'signed_request_nonces',
  'account_payments',
  'merchant_account_payments',
];

/**
 * The gateway with the sandbox and the dashboard but without @tender/plugin-accounts:
 * core's migrations make none of the plugin's tables, and payments, the hosted page
 * and the dashboard's payment search (its method filter included) work.
 */
describe('the gateway without @tender/plugin-accounts', function () {
  let t: TestGateway;
  let shop: MerchantClient;
  let merchantId: string;
  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin] });
    const merchant = await t.createMerchant();
    merchantId = merchant.id;
    shop = new MerchantClient(t.gateway.app, merchant.key);
  });
  after(() => t.close());

  it("has none of the plugin's tables and no record of its migration", async () => {
    for (const table of ACCOUNT_TABLES) assert.equal(await t.gateway.db.schema.hasTable(table), false, table);
    assert.equal((await t.gateway.db('tender_plugin_migrations').where({ plugin: '@tender/plugin-accounts' })).length, 0);
    const core = (await t.gateway.db('tender_migrations').select('name')).map((r: { name: string }) => r.name);
    assert.ok(!core.includes('008-certificates') && core.includes('031-accounts-plugin-tables') && core.includes('034-payment-method-type'));
  });

  it('takes card payments on the API and the hosted page (no account option), and refunds', async () => {
    const paid = await shop.pay(CARDS.visa);
    assert.equal(paid.status, 'captured');
    const p = await shop.createPayment();
    const token = pageTokenOf(String(p.payment_url));
    const page = await request(t.gateway.app).get(`/pay/${token}`).expect(200);
    assert.ok(!page.text.includes('pay-account'), 'no account form without the plugin');
    assert.equal((await postCard(t.gateway.app, token, CARDS.mir)).status, 303);
    await shop.post('/v1/refunds', { payment_id: p.id, amount: 100 }).expect(201);
    const refused = await shop.post(`/v1/payments/${(await shop.createPayment()).id}/confirm`, {
      type: 'account',
      account: { number: '40817810000000000001' },
    });
    assert.equal(refused.status, 400);
  });

  it('searches payments by method, brand and status on the dashboard', async () => {
    const search = t.gateway.container.resolve(PaymentSearch);
    const ctx = { merchantId, livemode: false };
    const ids = async (query: Record<string, string>) =>
      (await search.page(ctx, filterOf(paymentFilterSchema.parse(query)), undefined, 100)).payments.map((p) => p.id);
    const all = await ids({});
    assert.ok(all.length >= 3);
    assert.equal((await ids({ method: 'card' })).length, 2, 'the two confirmed payments');
    assert.equal((await ids({ method: 'mir' })).length, 1);
    assert.deepEqual(await ids({ method: 'account' }), []);
    assert.equal((await ids({ method: 'card', status: 'captured' })).length, 1);
    // The screen offers no 'account' filter without a method of that type; a link that asks for it finds nothing.
    const owner = await signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, { merchantId, role: 'owner' }));
    const screen = (await owner.agent.get('/dashboard/payments').expect(200)).text;
    assert.match(screen, /<option value="card"/);
    assert.doesNotMatch(screen, /<option value="account"/);
    const byLink = (await owner.agent.get('/dashboard/payments?method=account').expect(200)).text;
    assert.doesNotMatch(byLink, /pay_[0-9A-Za-z]{10,}/);
  });

  it("answers 404 on the plugin's routes", async () => {
    assert.equal((await request(t.gateway.app).get('/ca/certificate')).status, 404);
    assert.equal((await request(t.gateway.app).get('/admin/v1/payers/pyr_x').set('Authorization', `Bearer ${ADMIN_TOKEN}`)).status, 404);
  });
});
