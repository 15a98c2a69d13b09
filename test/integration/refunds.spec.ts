import assert from 'node:assert/strict';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';

describe('refunds', function () {
  let t: TestGateway;
  let shop: MerchantClient;

  before(async () => {
    t = await startTestGateway();
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
  });
  after(() => t.close());

  it('refunds in parts up to the captured amount, then refuses more', async () => {
    const p = await shop.pay(CARDS.visa, { amount: 10000 });
    const r1 = await shop.post('/v1/refunds', { payment_id: p.id, amount: 3000, reason: 'one item returned' }).expect(201);
    assert.equal(r1.body.object, 'refund');
    assert.equal(r1.body.status, 'succeeded');
    assert.equal(r1.body.amount, 3000);
    assert.equal(r1.body.reason, 'one item returned');
    let payment = (await shop.get(`/v1/payments/${p.id}`).expect(200)).body;
    assert.equal(payment.status, 'partially_refunded');
    assert.equal(payment.amount_refunded, 3000);

    await shop.post('/v1/refunds', { payment_id: p.id, amount: 2000 }).expect(201);
    const over = await shop.post('/v1/refunds', { payment_id: p.id, amount: 5001 }).expect(400);
    assert.equal(over.body.error.code, 'amount_too_large');
    assert.equal(over.body.error.param, 'amount');
    payment = (await shop.get(`/v1/payments/${p.id}`).expect(200)).body;
    assert.equal(payment.amount_refunded, 5000);

    const rest = await shop.post('/v1/refunds', { payment_id: p.id }).expect(201);
    assert.equal(rest.body.amount, 5000);
    payment = (await shop.get(`/v1/payments/${p.id}`).expect(200)).body;
    assert.equal(payment.status, 'refunded');
    assert.equal(payment.amount_refunded, 10000);

    const more = await shop.post('/v1/refunds', { payment_id: p.id, amount: 1 }).expect(409);
    assert.equal(more.body.error.code, 'payment_invalid_state');

    const events = await t.gateway.db('events').where({ object_id: p.id }).orderBy('seq');
    assert.deepEqual(
      events.map((e: { type: string }) => e.type),
      ['payment.created', 'payment.processing', 'payment.captured', 'payment.partially_refunded', 'payment.partially_refunded', 'payment.refunded'],
    );
    const refundEvents = await t.gateway
      .db('events')
      .where({ object_type: 'refund', type: 'refund.succeeded' })
      .whereIn('object_id', [r1.body.id, rest.body.id]);
    assert.equal(refundEvents.length, 2);
  });

  it('refunds only what a partial capture took', async () => {
    const p = await shop.pay(CARDS.visa, { amount: 10000, capture_method: 'manual' });
    await shop.post(`/v1/payments/${p.id}/capture`, { amount: 4000 }).expect(200);
    const over = await shop.post('/v1/refunds', { payment_id: p.id, amount: 4001 }).expect(400);
    assert.equal(over.body.error.code, 'amount_too_large');
    const full = await shop.post('/v1/refunds', { payment_id: p.id }).expect(201);
    assert.equal(full.body.amount, 4000);
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'refunded');
  });

  it('refuses to refund what was never captured', async () => {
    for (const setup of [
      async () => shop.createPayment(),
      async () => shop.pay(CARDS.visa, { capture_method: 'manual' }),
      async () => shop.pay(CARDS.doNotHonor),
    ]) {
      const p = await setup();
      const res = await shop.post('/v1/refunds', { payment_id: p.id, amount: 100 }).expect(409);
      assert.equal(res.body.error.code, 'payment_invalid_state');
    }
    assert.equal((await t.gateway.db('refunds').where({ status: 'pending' })).length, 0);
  });

  it('concurrent refunds never add up to more than was captured', async () => {
    const p = await shop.pay(CARDS.visa, { amount: 10000 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => shop.post('/v1/refunds', { payment_id: p.id, amount: 3000 })));
    const ok = answers.filter((a) => a.status === 201);
    assert.equal(ok.length, 3, answers.map((a) => `${a.status} ${JSON.stringify(a.body.error ?? {})}`).join('\n'));
    for (const a of answers.filter((x) => x.status !== 201))
      assert.ok(['amount_too_large', 'payment_operation_in_progress'].includes(a.body.error.code), a.body.error.code);
    const payment = (await shop.get(`/v1/payments/${p.id}`)).body;
    assert.equal(payment.amount_refunded, 9000);
    const sum = await t.gateway.db('refunds').where({ payment_id: p.id, status: 'succeeded' }).sum({ s: 'amount' }).first();
    assert.equal(Number(sum?.s), 9000);
  });

  it('retrieves and lists refunds; another payment id is a 404', async () => {
    const p = await shop.pay(CARDS.visa, { amount: 1000 });
    const r = await shop.post('/v1/refunds', { payment_id: p.id, amount: 100 }).expect(201);
    assert.equal((await shop.get(`/v1/refunds/${r.body.id}`).expect(200)).body.amount, 100);
    const r2 = await shop.post('/v1/refunds', { payment_id: p.id, amount: 200 }).expect(201);
    const list = await shop.get(`/v1/refunds?payment_id=${p.id}`).expect(200);
    assert.deepEqual(
      list.body.data.map((x: { id: string }) => x.id),
      [r2.body.id, r.body.id],
    );
    assert.equal(list.body.has_more, false);
    const first = await shop.get(`/v1/refunds?payment_id=${p.id}&limit=1`).expect(200);
    assert.deepEqual(
      first.body.data.map((x: { id: string }) => x.id),
      [r2.body.id],
    );
    assert.equal(first.body.has_more, true);
    const next = await shop.get(`/v1/refunds?payment_id=${p.id}&limit=1&starting_after=${r2.body.id}`).expect(200);
    assert.deepEqual(
      next.body.data.map((x: { id: string }) => x.id),
      [r.body.id],
    );
    assert.equal(next.body.has_more, false);
    const unknown = await shop.get('/v1/refunds?payment_id=pay_doesnotexist').expect(404);
    assert.equal(unknown.body.error.code, 'resource_not_found');
    const missing = await shop.post('/v1/refunds', { payment_id: 'pay_doesnotexist', amount: 100 }).expect(404);
    assert.equal(missing.body.error.code, 'resource_not_found');
    await shop.get('/v1/refunds/ref_doesnotexist').expect(404);
  });
});
