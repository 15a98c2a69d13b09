import assert from 'node:assert/strict';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';

describe('Idempotency-Key', function () {
  let t: TestGateway;
  let shop: MerchantClient;
  let other: MerchantClient;

  before(async () => {
    t = await startTestGateway();
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('A')).key);
    other = new MerchantClient(t.gateway.app, (await t.createMerchant('B')).key);
  });
  after(() => t.close());

  const count = async (table: string): Promise<number> => Number((await t.gateway.db(table).count({ n: '*' }).first())?.n);

  it('replays the first response, status and body, for the same key and body', async () => {
    const body = { amount: 1000, currency: 'RUB', order_id: 'idem-1' };
    const first = await shop.post('/v1/payments', body, 'key-1').expect(201);
    const before = await count('payments');
    const second = await shop.post('/v1/payments', { order_id: 'idem-1', currency: 'RUB', amount: 1000 }, 'key-1').expect(201);
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal(await count('payments'), before);
  });

  it('refuses the same key with a different body', async () => {
    await shop.post('/v1/payments', { amount: 1000, currency: 'RUB', order_id: 'idem-2' }, 'key-2').expect(201);
    const res = await shop.post('/v1/payments', { amount: 2000, currency: 'RUB', order_id: 'idem-2' }, 'key-2').expect(400);
    assert.equal(res.body.error.code, 'idempotency_key_reused');
    assert.equal(res.body.error.type, 'idempotency_error');
    const path = await shop.post('/v1/payments/pay_x/cancel', {}, 'key-2').expect(400);
    assert.equal(path.body.error.code, 'idempotency_key_reused');
  });

  it('replays a confirm instead of charging twice', async () => {
    const p = await shop.createPayment({ capture_method: 'manual' });
    const first = await shop.post(`/v1/payments/${p.id}/confirm`, card(CARDS.visa), 'confirm-1').expect(200);
    const again = await shop.post(`/v1/payments/${p.id}/confirm`, card(CARDS.visa), 'confirm-1').expect(200);
    assert.deepEqual(again.body, first.body);
    const ops = await t.gateway.db('bank_operations').where({ payment_id: p.id });
    assert.equal(ops.length, 1);
    const withoutKey = await shop.post(`/v1/payments/${p.id}/confirm`, card(CARDS.visa)).expect(409);
    assert.equal(withoutKey.body.error.code, 'payment_invalid_state');
  });

  it('replays a refund instead of refunding twice', async () => {
    const p = await shop.pay(CARDS.visa, { amount: 5000 });
    const first = await shop.post('/v1/refunds', { payment_id: p.id, amount: 1000 }, 'refund-1').expect(201);
    const again = await shop.post('/v1/refunds', { payment_id: p.id, amount: 1000 }, 'refund-1').expect(201);
    assert.equal(again.body.id, first.body.id);
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.amount_refunded, 1000);
  });

  it('keeps keys per merchant', async () => {
    const a = await shop.post('/v1/payments', { amount: 1000, currency: 'RUB', order_id: 'shared' }, 'shared-key').expect(201);
    const b = await other.post('/v1/payments', { amount: 1000, currency: 'RUB', order_id: 'shared' }, 'shared-key').expect(201);
    assert.notEqual(a.body.id, b.body.id);
  });

  it('does not keep a key whose request failed, so a corrected retry goes through', async () => {
    const bad = await shop.post('/v1/payments', { amount: -5, currency: 'RUB', order_id: 'retry' }, 'key-3').expect(400);
    assert.equal(bad.body.error.code, 'amount_invalid');
    const p = await shop.createPayment();
    await shop.post(`/v1/payments/${p.id}/capture`, {}, 'key-4').expect(409);
    assert.equal(await t.gateway.db('idempotency_keys').where({ idem_key: 'key-3' }).first(), undefined);
    assert.equal(await t.gateway.db('idempotency_keys').where({ idem_key: 'key-4' }).first(), undefined);
    await shop.post('/v1/payments', { amount: 5, currency: 'RUB', order_id: 'retry' }, 'key-3').expect(201);
  });

  it('answers idempotency_key_in_use while the first request with the key is still running', async () => {
    const p = await shop.createPayment({ capture_method: 'manual' });
    const answers = await Promise.all(Array.from({ length: 4 }, () => shop.post(`/v1/payments/${p.id}/confirm`, card(CARDS.visa), 'race-1')));
    const statuses = answers.map((a) => a.status);
    assert.ok(statuses.includes(200), statuses.join(','));
    for (const a of answers.filter((x) => x.status !== 200)) assert.equal(a.body.error.code, 'idempotency_key_in_use');
    assert.equal((await t.gateway.db('bank_operations').where({ payment_id: p.id })).length, 1);
  });

  it('rejects keys that are too long or not printable ASCII', async () => {
    const res = await shop.post('/v1/payments', { amount: 1, currency: 'RUB', order_id: 'k' }, 'x'.repeat(256)).expect(400);
    assert.equal(res.body.error.code, 'idempotency_key_invalid');
  });
});
