import assert from 'node:assert/strict';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';

describe('card payments end to end', function () {
  let t: TestGateway;
  let shop: MerchantClient;

  before(async () => {
    t = await startTestGateway();
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
  });
  after(() => t.close());

  async function eventsOf(paymentId: string): Promise<string[]> {
    const rows = await t.gateway.db('events').where({ object_id: paymentId }).orderBy('seq', 'asc');
    return rows.map((r: { type: string }) => r.type);
  }

  it('creates a pending payment with a payment_url and no card', async () => {
    const p = await shop.createPayment({
      amount: 150050,
      currency: 'rub',
      order_id: 'A-1',
      description: 'Tea',
      metadata: { cart: '7' },
      return_url: 'https://shop.example/return',
    });
    assert.equal(p.object, 'payment');
    assert.equal(p.status, 'pending');
    assert.equal(p.amount, 150050);
    assert.equal(p.currency, 'RUB');
    assert.equal(p.capture_method, 'automatic');
    assert.equal(p.livemode, false);
    assert.equal(p.card, null);
    assert.deepEqual(p.metadata, { cart: '7' });
    assert.match(String(p.payment_url), /^http:\/\/pay\.tender\.test\/pay\/[0-9A-Za-z]{32}$/);
    assert.deepEqual(await eventsOf(p.id), ['payment.created']);
  });

  it('automatic capture: an approved card goes straight to captured', async () => {
    const p = await shop.pay(CARDS.visa);
    assert.equal(p.status, 'captured');
    assert.equal(p.amount_captured, 150000);
    assert.deepEqual(p.card, { brand: 'visa', bin: '424242', last4: '4242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3 });
    assert.deepEqual(await eventsOf(p.id), ['payment.created', 'payment.processing', 'payment.captured']);
  });

  for (const [name, number, brand] of [
    ['Mastercard', CARDS.mastercard, 'mastercard'],
    ['Mir', CARDS.mir, 'mir'],
  ] as const) {
    it(`approves the ${name} test card`, async () => {
      const p = await shop.pay(number);
      assert.equal(p.status, 'captured');
      assert.equal((p.card as { brand: string }).brand, brand);
    });
  }

  it('manual capture: authorize, then capture part of it once', async () => {
    const p = await shop.pay(CARDS.visa, { capture_method: 'manual', amount: 10000 });
    assert.equal(p.status, 'authorized');
    assert.equal(p.amount_captured, 0);
    const captured = await shop.post(`/v1/payments/${p.id}/capture`, { amount: 7550 }).expect(200);
    assert.equal(captured.body.status, 'captured');
    assert.equal(captured.body.amount_captured, 7550);
    const again = await shop.post(`/v1/payments/${p.id}/capture`, { amount: 100 }).expect(409);
    assert.equal(again.body.error.code, 'payment_invalid_state');
    assert.deepEqual(await eventsOf(p.id), ['payment.created', 'payment.processing', 'payment.authorized', 'payment.captured']);
  });

  it('capture without an amount captures the whole authorization; more than authorized is refused', async () => {
    const p = await shop.pay(CARDS.mastercard, { capture_method: 'manual', amount: 5000 });
    const tooMuch = await shop.post(`/v1/payments/${p.id}/capture`, { amount: 5001 }).expect(400);
    assert.equal(tooMuch.body.error.code, 'amount_too_large');
    assert.equal(tooMuch.body.error.param, 'amount');
    const full = await shop.post(`/v1/payments/${p.id}/capture`).expect(200);
    assert.equal(full.body.amount_captured, 5000);
  });

  it('cancel voids an authorization; a pending payment is canceled without a bank', async () => {
    const authorized = await shop.pay(CARDS.visa, { capture_method: 'manual' });
    const voided = await shop.post(`/v1/payments/${authorized.id}/cancel`).expect(200);
    assert.equal(voided.body.status, 'canceled');
    assert.deepEqual(await eventsOf(authorized.id), ['payment.created', 'payment.processing', 'payment.authorized', 'payment.canceled']);
    const ops = await t.gateway.db('bank_operations').where({ payment_id: authorized.id }).orderBy('seq');
    assert.deepEqual(
      ops.map((o: { kind: string; status: string }) => `${o.kind}:${o.status}`),
      ['authorize:succeeded', 'void:succeeded'],
    );

    const pending = await shop.createPayment();
    const canceled = await shop.post(`/v1/payments/${pending.id}/cancel`).expect(200);
    assert.equal(canceled.body.status, 'canceled');
    assert.equal((await t.gateway.db('bank_operations').where({ payment_id: pending.id })).length, 0);
  });

  const declines: Array<[string, string, string]> = [
    ['do not honor', CARDS.doNotHonor, 'do_not_honor'],
    ['insufficient funds', CARDS.insufficientFunds, 'insufficient_funds'],
    ['expired card', CARDS.expiredCard, 'expired_card'],
    ['incorrect CVC', CARDS.incorrectCvc, 'incorrect_cvc'],
  ];

  it('moves the 3-D Secure card to requires_action with a challenge, without a decline', async () => {
    const p = await shop.pay(CARDS.threeDSecure);
    assert.equal(p.status, 'requires_action');
    assert.equal(p.failure_code, null);
    assert.equal(p.three_d_secure, null);
    assert.deepEqual(await eventsOf(p.id), ['payment.created', 'payment.processing', 'payment.requires_action']);
    const ops = await t.gateway.db('bank_operations').where({ payment_id: p.id });
    assert.deepEqual(
      ops.map((o) => o.status),
      ['action_required'],
    );
  });
  for (const [name, number, code] of declines) {
    it(`declines the ${name} card with failure_code ${code}`, async () => {
      const p = await shop.pay(number);
      assert.equal(p.status, 'declined');
      assert.equal(p.failure_code, code);
      assert.equal(typeof p.failure_message, 'string');
      assert.equal(p.amount_captured, 0);
      assert.deepEqual(await eventsOf(p.id), ['payment.created', 'payment.processing', 'payment.declined']);
    });
  }

  it('fails the processing-error card (a technical failure, not a decline)', async () => {
    const p = await shop.pay(CARDS.processingError);
    assert.equal(p.status, 'failed');
    assert.equal(p.failure_code, 'processing_error');
    const op = await t.gateway.db('bank_operations').where({ payment_id: p.id }).first();
    assert.equal(op!.status, 'failed');
    assert.equal(op!.raw_code, '96');
  });

  it('lets the buyer try again with another card after a decline', async () => {
    const declined = await shop.pay(CARDS.insufficientFunds);
    const retried = await shop.post(`/v1/payments/${declined.id}/confirm`, card(CARDS.visa)).expect(200);
    assert.equal(retried.body.status, 'captured');
    assert.equal(retried.body.failure_code, null);
    assert.equal(retried.body.card.last4, '4242');
  });

  it('leaves the timeout card processing: no guessed outcome', async () => {
    const p = await shop.pay(CARDS.timeout);
    assert.equal(p.status, 'processing');
    assert.equal(p.failure_code, null);
    const op = await t.gateway.db('bank_operations').where({ payment_id: p.id }).first();
    assert.equal(op!.status, 'pending');
  });

  it('retrieves and lists payments newest first with cursor pagination and filters', async () => {
    const fresh = await startTestGateway();
    try {
      const c = new MerchantClient(fresh.gateway.app, (await fresh.createMerchant()).key);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await c.createPayment({ order_id: i % 2 === 0 ? 'even' : `odd-${i}` })).id);
      await c.post(`/v1/payments/${ids[4]}/confirm`, card(CARDS.visa)).expect(200);
      const got = await c.get(`/v1/payments/${ids[0]}`).expect(200);
      assert.equal(got.body.id, ids[0]);
      const page1 = await c.get('/v1/payments?limit=2').expect(200);
      assert.deepEqual(
        page1.body.data.map((p: { id: string }) => p.id),
        [ids[4], ids[3]],
      );
      assert.equal(page1.body.has_more, true);
      const page2 = await c.get(`/v1/payments?limit=2&starting_after=${ids[3]}`).expect(200);
      assert.deepEqual(
        page2.body.data.map((p: { id: string }) => p.id),
        [ids[2], ids[1]],
      );
      const page3 = await c.get(`/v1/payments?limit=2&starting_after=${ids[1]}`).expect(200);
      assert.deepEqual(
        page3.body.data.map((p: { id: string }) => p.id),
        [ids[0]],
      );
      assert.equal(page3.body.has_more, false);
      const even = await c.get('/v1/payments?order_id=even').expect(200);
      assert.deepEqual(
        even.body.data.map((p: { id: string }) => p.id),
        [ids[4], ids[2], ids[0]],
      );
      const captured = await c.get('/v1/payments?status=captured').expect(200);
      assert.deepEqual(
        captured.body.data.map((p: { id: string }) => p.id),
        [ids[4]],
      );
      const bad = await c.get('/v1/payments?status=paid').expect(400);
      assert.equal(bad.body.error.param, 'status');
    } finally {
      await fresh.close();
    }
  });
});
