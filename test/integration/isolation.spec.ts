import assert from 'node:assert/strict';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';

describe('tenant isolation', function () {
  let t: TestGateway;
  let a: MerchantClient;
  let b: MerchantClient;
  let bId: string;

  before(async () => {
    t = await startTestGateway();
    a = new MerchantClient(t.gateway.app, (await t.createMerchant('A')).key);
    const merchantB = await t.createMerchant('B');
    bId = merchantB.id;
    b = new MerchantClient(t.gateway.app, merchantB.key);
  });
  after(() => t.close());

  it("answers 404, never 403, for everything of another merchant's", async () => {
    const authorized = await a.pay(CARDS.visa, { capture_method: 'manual' });
    const captured = await a.pay(CARDS.visa);
    const refund = await a.post('/v1/refunds', { payment_id: captured.id, amount: 100 }).expect(201);
    const pending = await a.createPayment();

    const attempts = [
      b.get(`/v1/payments/${authorized.id}`),
      b.post(`/v1/payments/${authorized.id}/capture`),
      b.post(`/v1/payments/${authorized.id}/cancel`),
      b.post(`/v1/payments/${pending.id}/confirm`, card(CARDS.visa)),
      b.post('/v1/refunds', { payment_id: captured.id, amount: 100 }),
      b.get(`/v1/refunds/${refund.body.id}`),
    ];
    for (const res of await Promise.all(attempts)) {
      assert.equal(res.status, 404, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'resource_not_found');
    }
    const list = await b.get(`/v1/refunds?payment_id=${captured.id}`).expect(404);
    assert.equal(list.body.error.code, 'resource_not_found');
    const cursor = await b.get(`/v1/payments?starting_after=${pending.id}`).expect(400);
    assert.equal(cursor.body.error.param, 'starting_after');

    // Nothing of A's changed.
    assert.equal((await a.get(`/v1/payments/${authorized.id}`)).body.status, 'authorized');
    assert.equal((await a.get(`/v1/payments/${pending.id}`)).body.status, 'pending');
    assert.equal((await a.get(`/v1/payments/${captured.id}`)).body.amount_refunded, 100);
  });

  it("lists only the caller's own payments, even for the same order_id", async () => {
    await a.createPayment({ order_id: 'same-order' });
    await b.createPayment({ order_id: 'same-order' });
    const mine = await b.get('/v1/payments?order_id=same-order&limit=100').expect(200);
    assert.equal(mine.body.data.length, 1);
    const all = await b.get('/v1/payments?limit=100').expect(200);
    const own = new Set((await t.gateway.db('payments').where({ merchant_id: bId })).map((r: { id: string }) => r.id));
    assert.equal(all.body.data.length, own.size);
    for (const p of all.body.data) assert.ok(own.has(p.id), `${p.id} is not B's`);
  });
});
