import assert from 'node:assert/strict';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';

describe('concurrent operations on one payment', function () {
  let t: TestGateway;
  let shop: MerchantClient;

  before(async () => {
    t = await startTestGateway();
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
  });
  after(() => t.close());

  it('two concurrent captures capture once', async () => {
    for (let round = 0; round < 5; round++) {
      const p = await shop.pay(CARDS.visa, { capture_method: 'manual', amount: 10000 });
      const [a, b] = await Promise.all([
        shop.post(`/v1/payments/${p.id}/capture`, { amount: 6000 }),
        shop.post(`/v1/payments/${p.id}/capture`, { amount: 7000 }),
      ]);
      const statuses = [a.status, b.status].sort();
      assert.deepEqual(statuses, [200, 409], `round ${round}: ${a.status} ${b.status}`);
      const loser = a.status === 409 ? a : b;
      assert.ok(['payment_invalid_state', 'payment_operation_in_progress'].includes(loser.body.error.code));
      const captures = await t.gateway.db('bank_operations').where({ payment_id: p.id, kind: 'capture' });
      assert.equal(captures.length, 1);
      const winner = a.status === 200 ? a : b;
      const stored = (await shop.get(`/v1/payments/${p.id}`)).body;
      assert.equal(stored.amount_captured, winner.body.amount_captured);
      assert.equal((await t.gateway.db('events').where({ object_id: p.id, type: 'payment.captured' })).length, 1);
    }
  });

  it('concurrent confirms charge once', async () => {
    const p = await shop.createPayment();
    const answers = await Promise.all(Array.from({ length: 5 }, () => shop.post(`/v1/payments/${p.id}/confirm`, card(CARDS.visa))));
    assert.equal(answers.filter((a) => a.status === 200).length, 1, answers.map((a) => a.status).join(','));
    for (const a of answers.filter((x) => x.status !== 200)) {
      assert.equal(a.status, 409);
      assert.ok(['payment_invalid_state', 'payment_operation_in_progress'].includes(a.body.error.code));
    }
    assert.equal((await t.gateway.db('bank_operations').where({ payment_id: p.id })).length, 1);
  });

  it('capture racing cancel: exactly one wins', async () => {
    const p = await shop.pay(CARDS.visa, { capture_method: 'manual' });
    const [cap, can] = await Promise.all([shop.post(`/v1/payments/${p.id}/capture`), shop.post(`/v1/payments/${p.id}/cancel`)]);
    assert.deepEqual([cap.status, can.status].sort(), [200, 409]);
    const final = (await shop.get(`/v1/payments/${p.id}`)).body.status;
    assert.equal(final, cap.status === 200 ? 'captured' : 'canceled');
  });
});
