import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { FixedClock, Gateway, loadConfig } from '@tender/core';
import { ApiKeyService } from '@tender/core/dist/merchants/api-keys';
import { BankConnectionRepository } from '@tender/core/dist/banks/bank-connection';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { createTestDatabase } from '../support/test-database';
import { MerchantClient, CARDS, card } from '../support/merchant-client';
import { formOf, islandOf, pageTokenOf } from '../support/hosted-page';
import { RowCounter } from '../support/row-counts';
import { VOUCHER_STYLES, VoucherBank, voucherPlugin } from '../support/voucher-plugin';

/**
 * Issue 17, item 3: a third payment method (gift vouchers: support/voucher-plugin.ts)
 * registered by a plugin works through the API and the hosted page with no change
 * to core, and a method whose bank capability no connection has is refused clearly,
 * writing nothing. The voucher issuer is outside Tender and stands in as VoucherBank.
 */
describe('a payment method added by a plugin (vouchers)', function () {
  let t: TestGateway;
  let live: MerchantClient;
  let test: MerchantClient;
  const bank = new VoucherBank();
  const clock = new FixedClock(Date.UTC(2026, 11, 3, 9, 0));

  before(async () => {
    t = await startTestGateway({ clock, plugins: [sandboxPlugin, accountsPlugin, voucherPlugin({ bank })] });
    const merchant = await t.createMerchant('Voucher Shop');
    test = new MerchantClient(t.gateway.app, merchant.key);
    // Stands in for onboarding (tested in onboarding-journey.spec): the merchant is live, with one bank connection, the voucher issuer.
    await t.gateway.db('merchants').where({ id: merchant.id }).update({ stage: 'live', live_at: clock.now() });
    const key = await t.gateway.container.resolve(ApiKeyService).issue(t.gateway.db, { merchantId: merchant.id, livemode: true, kind: 'secret' });
    live = new MerchantClient(t.gateway.app, key.key);
    await t.gateway.container.resolve(BankConnectionRepository).create(
      t.gateway.db,
      {
        merchantId: merchant.id,
        livemode: true,
        currencies: ['RUB'],
        bankCode: 'vouchers-inc',
        adapterCode: 'voucherbank',
        bankMerchantId: 'V-M-1',
        terminalId: 'VT000001',
      },
      clock.now(),
    );
  });
  after(() => t.close());

  it('pays with a voucher through the API, routed to the adapter with the capability, and captures/refunds through the ordinary paths', async () => {
    const payment = await live.createPayment({ amount: 50000, capture_method: 'manual' });
    const confirmed = await live
      .post(`/v1/payments/${payment.id}/confirm`, { payment_method: { type: 'voucher', voucher: { code: 'GIFT20261203' } } })
      .expect(200);
    assert.equal(confirmed.body.status, 'authorized');
    assert.equal(confirmed.body.card, null);
    const asked = bank.redeemed.at(-1);
    assert.equal(asked?.capability, 'voucher_redemption');
    assert.deepEqual(asked?.instrument, { code: 'GIFT20261203' });
    assert.equal(asked?.capture, false);
    assert.equal(asked?.connection.terminalId, 'VT000001');
    const attempts = (await live.get(`/v1/payments/${payment.id}/attempts`).expect(200)).body.data as Array<{ bank: string; result: string }>;
    assert.deepEqual(
      attempts.map((a) => [a.bank, a.result]),
      [['vouchers-inc', 'approved']],
    );
    assert.equal((await live.post(`/v1/payments/${payment.id}/capture`, {}).expect(200)).body.status, 'captured');
    await live.post('/v1/refunds', { payment_id: payment.id, amount: 10000 }).expect(201);
  });

  it("takes the issuer's decline as a decline", async () => {
    const payment = await live.createPayment();
    const res = await live.post(`/v1/payments/${payment.id}/confirm`, { payment_method: { type: 'voucher', voucher: { code: 'EMPTY0000' } } }).expect(200);
    assert.equal(res.body.status, 'declined');
    assert.equal(res.body.failure_code, 'insufficient_funds');
  });

  it("refuses bad voucher input with the method's parameter and writes nothing", async () => {
    const payment = await live.createPayment();
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    const asked = bank.redeemed.length;
    for (const [body, code, param] of [
      [{ type: 'voucher', voucher: { code: 'gift' } }, 'parameter_invalid', 'payment_method.voucher.code'],
      [{ type: 'voucher', voucher: { code: 'GIFT20261203', pin: '1' } }, 'parameter_unknown', 'payment_method.voucher.pin'],
      [{ type: 'voucher' }, 'parameter_missing', 'payment_method.voucher'],
      [{ type: 'voucher', voucher: { code: 'GIFT20261203' }, card: {} }, 'parameter_unknown', 'payment_method.card'],
    ] as const) {
      const res = await live.post(`/v1/payments/${payment.id}/confirm`, { payment_method: body }).expect(400);
      assert.equal(res.body.error.code, code, JSON.stringify(body));
      assert.equal(res.body.error.param, param);
    }
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
    assert.equal(bank.redeemed.length, asked);
  });

  it('refuses a method whose bank capability no connection has, with payment_method_unavailable, and writes nothing', async () => {
    // Test mode reaches only the sandbox, which redeems no vouchers; live, the only connection takes no cards.
    const testPayment = await test.createPayment();
    const livePayment = await live.createPayment();
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    const asked = bank.redeemed.length;
    const voucher = await test
      .post(`/v1/payments/${testPayment.id}/confirm`, { payment_method: { type: 'voucher', voucher: { code: 'GIFT20261203' } } })
      .expect(400);
    assert.equal(voucher.body.error.code, 'payment_method_unavailable');
    assert.equal(voucher.body.error.param, 'payment_method.type');
    assert.match(voucher.body.error.message, /voucher_redemption/);
    const cardRes = await live.post(`/v1/payments/${livePayment.id}/confirm`, card(CARDS.visa)).expect(400);
    assert.equal(cardRes.body.error.code, 'payment_method_unavailable');
    assert.match(cardRes.body.error.message, /card_authorization/);
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
    assert.equal(bank.redeemed.length, asked);
    assert.equal((await test.get(`/v1/payments/${testPayment.id}`).expect(200)).body.status, 'pending');
  });

  it('shows its own part in the gateway-owned island, next to the card form, and pays through it', async () => {
    const payment = await live.createPayment({ amount: 25000 });
    const token = pageTokenOf(String(payment.payment_url));
    const page = (await request(t.gateway.app).get(`/pay/${token}`).expect(200)).text;
    assert.doesNotMatch(page, /voucher-form/, "the method's form lives in the island, not in the page");
    const island = await islandOf(t.gateway.app, page);
    assert.match(island, /id="card-form"/);
    assert.match(island, /<h2 id="voucher-title">Pay with a gift voucher<\/h2>/);
    // Its own style sheet comes with its part, under the island's CSP nonce, as written (> not escaped); the payment page has none of it.
    const nonce = /<style nonce="([^"]+)">/.exec(island)?.[1];
    assert.ok(nonce !== undefined);
    assert.ok(island.includes(`<style nonce="${nonce}">${VOUCHER_STYLES}</style>`), island.slice(0, 1500));
    assert.ok(!page.includes('voucher-option >'));
    const voucherForm = formOf(island.slice(island.indexOf('id="voucher-option"')));
    assert.equal(voucherForm.action, `/pay/${token}/voucher`);
    const res = await request(t.gateway.app)
      .post(voucherForm.action)
      .type('form')
      .send({ form_token: voucherForm.token, code: 'GIFT20261203', number: '4242424242424242' })
      .expect(303);
    assert.equal(res.headers.location, `/pay/${token}`);
    assert.equal((await live.get(`/v1/payments/${payment.id}`).expect(200)).body.status, 'captured');
    // Only the part's own fields reach the method: the stray card number was dropped.
    assert.deepEqual(bank.redeemed.at(-1)?.instrument, { code: 'GIFT20261203' });
  });

  it('shows a refusal in its part, with the typed value escaped, and charges nothing', async () => {
    const payment = await live.createPayment();
    const token = pageTokenOf(String(payment.payment_url));
    const island = await islandOf(t.gateway.app, (await request(t.gateway.app).get(`/pay/${token}`).expect(200)).text);
    const voucherForm = formOf(island.slice(island.indexOf('id="voucher-option"')));
    const asked = bank.redeemed.length;
    const refused = await request(t.gateway.app)
      .post(voucherForm.action)
      .type('form')
      .send({ form_token: voucherForm.token, code: '"><script>alert(1)</script>' })
      .expect(422);
    const again = await islandOf(t.gateway.app, refused.text);
    assert.match(again, /Enter the 8 to 16 letters and digits of your voucher\./);
    assert.match(again, /data-code="parameter_invalid"/);
    assert.doesNotMatch(again, /<script>alert/);
    assert.match(again, /value="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
    assert.equal(bank.redeemed.length, asked);
    assert.equal((await live.get(`/v1/payments/${payment.id}`).expect(200)).body.status, 'pending');
  });

  it("stops the gateway at start when a method's page part would show a value unescaped or bring unsafe styles", async () => {
    const database = await createTestDatabase();
    try {
      const config = {
        ...loadConfig({ TENDER_MASTER_KEY: randomBytes(32).toString('base64'), TENDER_ADMIN_TOKEN: ADMIN_TOKEN, TENDER_LOG_LEVEL: 'silent' }),
        database: database.config,
      };
      await assert.rejects(
        Gateway.create(config, { plugins: [sandboxPlugin, voucherPlugin({ template: '<p>{{{part.values.code}}}</p>' })] }),
        /page template of payment method voucher cannot be used: raw output/,
      );
      // A style sheet that could close its <style> element, or load from elsewhere, is refused the same way.
      for (const [styles, why] of [
        ['</style><script>alert(1)</script>', /contains </],
        ['@import "https://evil.example/x.css";', /@import/],
        ['.v { background: url(https://evil.example/p.png); }', /url\(\)/],
      ] as const) {
        await assert.rejects(
          Gateway.create(config, { plugins: [sandboxPlugin, voucherPlugin({ styles })] }),
          (e: Error) => /page styles of payment method voucher cannot be used/.test(e.message) && why.test(e.message),
        );
      }
    } finally {
      await database.drop();
    }
  });
});
