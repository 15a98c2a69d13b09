import assert from 'node:assert/strict';
import { FixedClock, RefundService } from '@tender/core';
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
  let merchantId: string;
  const clock = new FixedClock(Date.now());
  const DAY = 24 * 3600_000;

  before(async () => {
    t = await startTestGateway({ clock });
    const merchant = await t.createMerchant();
    merchantId = merchant.id;
    shop = new MerchantClient(t.gateway.app, merchant.key);
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

  it('a refund that used up the payment is replayed by its key, not refused as 409', async () => {
    const p = await shop.pay(CARDS.visa, { amount: 3000 });
    const full = await shop.post('/v1/refunds', { payment_id: p.id }, 'full-refund-key').expect(201);
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'refunded');
    await forgetResponses();
    // The stored response is lost (a crash): the key on the refund still answers it, with or without the amount.
    const again = await shop.post('/v1/refunds', { payment_id: p.id }, 'full-refund-key').expect(201);
    assert.deepEqual(again.body, full.body);
    await forgetResponses();
    assert.equal((await shop.post('/v1/refunds', { payment_id: p.id, amount: 3000 }, 'full-refund-key').expect(201)).body.id, full.body.id);
    await forgetResponses();
    // Another amount under the same key is still a reused key; a new key on the refunded payment is still refused.
    assert.equal((await shop.post('/v1/refunds', { payment_id: p.id, amount: 10 }, 'full-refund-key').expect(400)).body.error.code, 'idempotency_key_reused');
    assert.equal((await shop.post('/v1/refunds', { payment_id: p.id }, 'another-key').expect(409)).body.error.code, 'payment_invalid_state');
    // Through the service, as plugins call it (no HTTP idempotency layer at all).
    const ctx = { merchantId, livemode: false };
    const direct = await t.gateway.container.resolve(RefundService).create(ctx, { payment_id: p.id }, 'full-refund-key');
    assert.equal(direct.id, full.body.id);
    assert.equal((await t.gateway.db('refunds').where({ payment_id: p.id })).length, 1);
  });
});
