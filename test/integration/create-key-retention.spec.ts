import assert from 'node:assert/strict';
import { FixedClock } from '@tender/core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';

/**
 * The key that created a payment or refund is kept on it so a retry after a crash
 * (the idempotency row lost) finds the same object; that memory ends with the
 * key's retention period.
 */
describe('create keys after a crash and after their retention period', function () {
  let t: TestGateway;
  let shop: MerchantClient;
  const clock = new FixedClock(Date.now());
  const DAY = 24 * 3600_000;

  before(async () => {
    t = await startTestGateway({ clock });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
  });
  after(() => t.close());

  const forgetResponses = () => t.gateway.db('idempotency_keys').delete();

  it('a retry whose stored response was lost gets the same payment, and a different body is refused', async () => {
    const body = { amount: 700, currency: 'RUB', order_id: 'crash-1' };
    const first = await shop.post('/v1/payments', body, 'crash-key').expect(201);
    await forgetResponses();
    const retry = await shop.post('/v1/payments', body, 'crash-key').expect(201);
    assert.equal(retry.body.id, first.body.id);
    await forgetResponses();
    const other = await shop.post('/v1/payments', { ...body, amount: 701 }, 'crash-key').expect(400);
    assert.equal(other.body.error.code, 'idempotency_key_reused');
  });

  it('after the retention period the key creates a new payment', async () => {
    const body = { amount: 800, currency: 'RUB', order_id: 'old-1' };
    const first = await shop.post('/v1/payments', body, 'old-key').expect(201);
    clock.advance(DAY + 1000);
    const later = await shop.post('/v1/payments', { ...body, amount: 900 }, 'old-key').expect(201);
    assert.notEqual(later.body.id, first.body.id);
    assert.equal(later.body.amount, 900);
  });

  it('the same holds for refunds', async () => {
    const p = await shop.pay(CARDS.visa, { amount: 5000 });
    const r = await shop.post('/v1/refunds', { payment_id: p.id, amount: 100 }, 'refund-key').expect(201);
    await forgetResponses();
    assert.equal((await shop.post('/v1/refunds', { payment_id: p.id, amount: 100 }, 'refund-key').expect(201)).body.id, r.body.id);
    await forgetResponses();
    assert.equal((await shop.post('/v1/refunds', { payment_id: p.id, amount: 200 }, 'refund-key').expect(400)).body.error.code, 'idempotency_key_reused');
    clock.advance(DAY + 1000);
    const later = await shop.post('/v1/refunds', { payment_id: p.id, amount: 200 }, 'refund-key').expect(201);
    assert.notEqual(later.body.id, r.body.id);
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.amount_refunded, 300);
  });
});
