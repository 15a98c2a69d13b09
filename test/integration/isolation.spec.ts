import assert from 'node:assert/strict';
import { ApiKeyService } from '@tender/core/dist/merchants/api-keys';
import { PaymentService, TenderError } from '@tender/core';
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

  /**
   * PaymentService.confirm also takes a payment already read (the one merchantAuth read
   * with the key). Whoever hands it one, it is confirmed only for its own merchant and
   * mode: another merchant's payment object is refused as not found, before any write.
   */
  it("refuses to confirm another merchant's payment object, and writes nothing", async () => {
    const keys = t.gateway.container.resolve(ApiKeyService);
    const service = t.gateway.container.resolve(PaymentService);
    const theirs = await a.createPayment();
    const read = (await keys.authenticateWithPayment(a.key, theirs.id)).payment;
    assert.equal(read?.id, theirs.id, "A's key reads A's payment");
    const bCaller = await keys.authenticate(b.key);
    const row = async (): Promise<{ version: number; status: string }> => {
      const found = (await t.gateway.db('payments').where({ id: theirs.id }).first()) as { version: number; status: string } | undefined;
      assert.ok(found !== undefined);
      return found;
    };
    const before = await row();
    const operations = async (): Promise<number> => (await t.gateway.db('bank_operations').where({ payment_id: theirs.id })).length;

    await assert.rejects(
      service.confirm(bCaller, read ?? theirs.id, {
        type: 'card',
        card: { number: CARDS.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvc: '123' },
      }),
      (error: unknown) => error instanceof TenderError && error.code === 'resource_not_found',
    );
    const after = await row();
    assert.equal(after.version, before.version, 'the payment did not move');
    assert.equal(after.status, 'pending');
    assert.equal(await operations(), 0, 'no bank operation');
    // A wrong mode cannot reach this check through the service: a merchant not yet live
    // is refused first (merchant_not_live); the key join above covers the mode.
  });

  /**
   * A confirm reads its payment in the key's own statement (one read fewer on the hot
   * path). The join is on the key's merchant and mode: another merchant's payment, or
   * the same merchant's payment of the other mode, is never read with a key.
   */
  it("reads a confirm's payment with its key, joined on the key's merchant and mode only", async () => {
    const keys = t.gateway.container.resolve(ApiKeyService);
    const mine = await b.createPayment();
    const theirs = await a.createPayment();

    const own = await keys.authenticateWithPayment(b.key, mine.id);
    assert.equal(own.who.merchantId, bId);
    assert.equal(own.payment?.id, mine.id);
    assert.equal(own.payment?.merchantId, bId);
    assert.equal((await keys.authenticateWithPayment(b.key, theirs.id)).payment, undefined, "another merchant's payment");
    const live = await keys.issue(t.gateway.db, { merchantId: bId, livemode: true, kind: 'secret' });
    const liveRead = await keys.authenticateWithPayment(live.key, mine.id);
    assert.equal(liveRead.who.livemode, true);
    assert.equal(liveRead.payment, undefined, "the same merchant's test payment, read with its live key");
    await assert.rejects(keys.authenticateWithPayment('sk_test_' + 'x'.repeat(32), mine.id), { code: 'api_key_invalid' });

    // Through the API: one statement reads key and payment; no separate read of the payment before the confirm's transaction.
    const sent: string[] = [];
    const listen = (q: { sql: string }): void => void sent.push(q.sql);
    t.gateway.db.on('query', listen);
    try {
      const paid = await b.post(`/v1/payments/${mine.id}/confirm`, card(CARDS.visa)).expect(200);
      assert.equal(paid.body.status, 'captured');
    } finally {
      t.gateway.db.off('query', listen);
    }
    const firstWrite = sent.findIndex((sql) => /^\s*(insert|update|begin)/i.test(sql) || /^BEGIN/i.test(sql));
    const reads = sent.slice(0, firstWrite === -1 ? sent.length : firstWrite).filter((sql) => /\bpayments\b/.test(sql));
    assert.equal(reads.length, 1, `one read of the payment before the confirm writes: ${reads.join(' | ')}`);
    assert.match(reads[0] ?? '', /api_keys/, 'and it is the key read');

    // A trailing slash or another merchant's id still reaches the route, which answers as before.
    const other = await a.createPayment();
    const slash = await b.post(`/v1/payments/${other.id}/confirm/`, card(CARDS.visa));
    assert.equal(slash.status, 404);
    const malformed = await b.post('/v1/payments/not-an-id/confirm', card(CARDS.visa));
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.param, 'id');
    assert.equal((await a.get(`/v1/payments/${other.id}`)).body.status, 'pending');
  });
});
