import assert from 'node:assert/strict';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';

describe('events API and polling for changes', () => {
  let t: TestGateway;
  let shop: MerchantClient;
  before(async () => {
    t = await startTestGateway();
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
  });
  after(async () => t.close());

  it('lists events newest first, filters by type and object, pages with starting_after', async () => {
    const p = await shop.pay(CARDS.visa);
    const all = (await shop.get(`/v1/events?object_id=${p.id}`).expect(200)).body;
    assert.deepEqual(
      all.data.map((e: { type: string }) => e.type),
      ['payment.captured', 'payment.processing', 'payment.created'],
    );
    const captured = all.data[0];
    assert.equal(captured.object, 'event');
    assert.equal(captured.livemode, false);
    assert.equal(captured.data.object.id, p.id);
    assert.equal(captured.data.object.status, 'captured');
    assert.match(captured.created_at, /^\d{4}-\d\d-\d\dT/);
    // Each event keeps the object as it was right after that change.
    assert.equal(all.data[2].data.object.status, 'pending');

    const byType = (await shop.get('/v1/events?type=payment.captured').expect(200)).body;
    assert.ok(byType.data.every((e: { type: string }) => e.type === 'payment.captured'));
    const byPrefix = (await shop.get(`/v1/events?type=payment.*&object_id=${p.id}`).expect(200)).body;
    assert.equal(byPrefix.data.length, 3);

    const first = (await shop.get(`/v1/events?object_id=${p.id}&limit=2`).expect(200)).body;
    assert.equal(first.has_more, true);
    const next = (await shop.get(`/v1/events?object_id=${p.id}&limit=2&starting_after=${first.data[1].id}`).expect(200)).body;
    assert.deepEqual(
      next.data.map((e: { type: string }) => e.type),
      ['payment.created'],
    );
    assert.equal(next.has_more, false);

    assert.deepEqual((await shop.get(`/v1/events/${captured.id}`).expect(200)).body, captured);
  });

  it("another merchant's event is a 404, and bad filters are 400s", async () => {
    const p = await shop.pay(CARDS.visa);
    const event = (await shop.get(`/v1/events?object_id=${p.id}`).expect(200)).body.data[0];
    const other = new MerchantClient(t.gateway.app, (await t.createMerchant('Other')).key);
    await other.get(`/v1/events/${event.id}`).expect(404);
    assert.equal((await other.get(`/v1/events?object_id=${p.id}`).expect(200)).body.data.length, 0);
    assert.equal((await shop.get('/v1/events?type=DROP TABLE').expect(400)).body.error.param, 'type');
    assert.equal((await shop.get('/v1/events?limit=0').expect(400)).body.error.param, 'limit');
  });

  it('GET /v1/payments?updated_since= lists what changed since then', async () => {
    const old = await shop.createPayment();
    await new Promise((r) => setTimeout(r, 20));
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const changed = await shop.pay(CARDS.visa);
    const fresh = (await shop.get(`/v1/payments?updated_since=${encodeURIComponent(since)}`).expect(200)).body;
    const ids = fresh.data.map((p: { id: string }) => p.id);
    assert.ok(ids.includes(changed.id));
    assert.ok(!ids.includes(old.id));
    const unix = Math.floor(Date.parse(since) / 1000);
    assert.ok((await shop.get(`/v1/payments?updated_since=${unix}`).expect(200)).body.data.some((p: { id: string }) => p.id === changed.id));
    assert.equal((await shop.get('/v1/payments?updated_since=yesterday').expect(400)).body.error.param, 'updated_since');
  });

  it('keeps the buyer e-mail on the payment', async () => {
    const p = await shop.createPayment({ customer_email: 'buyer@example.com' });
    assert.equal(p.customer_email, 'buyer@example.com');
    const bad = await shop.post('/v1/payments', { amount: 100, currency: 'RUB', order_id: 'x', customer_email: 'not-an-address' }).expect(400);
    assert.equal(bad.body.error.param, 'customer_email');
  });
});
