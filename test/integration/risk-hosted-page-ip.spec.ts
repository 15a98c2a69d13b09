import assert from 'node:assert/strict';
import request from 'supertest';
import { Express } from 'express';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { cardFormOf, expiry, pageTokenOf } from '../support/hosted-page';
import { putMerchantRules } from '../support/risk-helpers';

/** Opens the page and posts the card form, as a browser would, with extra request headers. */
async function submitCard(app: Express, paymentUrl: string, number: string, headers: Record<string, string> = {}): Promise<void> {
  const token = pageTokenOf(paymentUrl);
  const form = await cardFormOf(app, token);
  const post = request(app).post(form.action).type('form');
  for (const [name, value] of Object.entries(headers)) post.set(name, value);
  await post.send({ form_token: form.token, number, expiry: expiry(), cvc: '123', holder_name: 'Ann Buyer' }).expect(303);
}

describe("transaction monitoring: the hosted page passes the buyer's IP and e-mail", function () {
  describe('without a trusted proxy (the default)', () => {
    let t: TestGateway;
    let shop: MerchantClient;

    before(async () => {
      t = await startTestGateway();
      shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
    });
    after(() => t.close());

    it('blocks a card submitted from a block-listed IP (127.0.0.1) before any bank sees it', async () => {
      await putMerchantRules(t.gateway.app, shop, { rules: { lists: { block: { ips: ['127.0.0.0/8'] } } } }).expect(200);
      const payment = await shop.createPayment({ customer_email: 'Page.Buyer@example.com' });
      await submitCard(t.gateway.app, String(payment.payment_url), CARDS.visa);
      const after = (await shop.get(`/v1/payments/${payment.id}`).expect(200)).body;
      assert.equal(after.status, 'declined');
      assert.equal(after.failure_code, 'fraud_suspected');
      assert.deepEqual(
        after.risk.reasons.map((r: { rule: string; reason: string }) => `${r.rule}: ${r.reason}`),
        ['lists: the IP is on the block list'],
      );
      assert.deepEqual(await t.gateway.db('bank_operations').where({ payment_id: payment.id }), []);
      const row = await t.gateway.db('risk_assessments').where({ payment_id: payment.id }).first();
      assert.equal(row!.ip, '127.0.0.1', 'an IPv4-mapped socket address is kept as IPv4');
      assert.equal(row!.email, 'page.buyer@example.com', "the payment's customer e-mail is the buyer's");
    });

    it('ignores X-Forwarded-For: a buyer cannot choose the IP monitoring sees', async () => {
      await putMerchantRules(t.gateway.app, shop, { rules: { lists: { block: { ips: ['203.0.113.50'] }, allow: {} } } }).expect(200);
      const payment = await shop.createPayment();
      await submitCard(t.gateway.app, String(payment.payment_url), CARDS.visa, { 'X-Forwarded-For': '203.0.113.50' });
      assert.equal((await shop.get(`/v1/payments/${payment.id}`).expect(200)).body.status, 'captured');
      assert.equal((await t.gateway.db('risk_assessments').where({ payment_id: payment.id }).first())!.ip, '127.0.0.1');
    });
  });

  describe('behind a trusted proxy (TENDER_TRUST_PROXY=loopback)', () => {
    let t: TestGateway;
    let shop: MerchantClient;

    before(async () => {
      t = await startTestGateway({ env: { TENDER_TRUST_PROXY: 'loopback' } });
      shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
      await putMerchantRules(t.gateway.app, shop, { rules: { lists: { block: { ips: ['203.0.113.0/24'] } } } }).expect(200);
    });
    after(() => t.close());

    it('blocks by the forwarded client address the proxy reports', async () => {
      const payment = await shop.createPayment();
      await submitCard(t.gateway.app, String(payment.payment_url), CARDS.visa, { 'X-Forwarded-For': '203.0.113.50' });
      const after = (await shop.get(`/v1/payments/${payment.id}`).expect(200)).body;
      assert.equal(after.failure_code, 'fraud_suspected');
      assert.equal((await t.gateway.db('risk_assessments').where({ payment_id: payment.id }).first())!.ip, '203.0.113.50');
    });

    it('lets a buyer from another forwarded address pay', async () => {
      const payment = await shop.createPayment();
      await submitCard(t.gateway.app, String(payment.payment_url), CARDS.visa, { 'X-Forwarded-For': '198.51.100.20' });
      assert.equal((await shop.get(`/v1/payments/${payment.id}`).expect(200)).body.status, 'captured');
    });
  });
});
