import assert from 'node:assert/strict';
import request from 'supertest';
import { TestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';
import { RowCounter } from '../support/row-counts';
import { startSavedCardsGateway } from '../support/saved-cards';

describe('saved cards: customers API (@tender/plugin-saved-cards)', function () {
  let t: TestGateway;
  let shop: MerchantClient;
  let other: MerchantClient;
  let merchantId: string;

  before(async () => {
    t = await startSavedCardsGateway();
    const m = await t.createMerchant('Shop A');
    merchantId = m.id;
    shop = new MerchantClient(t.gateway.app, m.key);
    other = new MerchantClient(t.gateway.app, (await t.createMerchant('Shop B')).key);
  });
  after(() => t.close());

  it('creates, reads, updates and lists customers, each change with its event', async () => {
    const created = await shop
      .post('/v1/customers', { email: 'Anna@Example.com', name: 'Anna Petrova', phone: '+7 (900) 123-45-67', description: 'VIP', metadata: { crm: '42' } })
      .expect(201);
    assert.match(created.body.id, /^cus_/);
    assert.deepEqual(
      { ...created.body, id: undefined, created_at: undefined },
      {
        id: undefined,
        object: 'customer',
        email: 'anna@example.com',
        name: 'Anna Petrova',
        phone: '+7 (900) 123-45-67',
        description: 'VIP',
        metadata: { crm: '42' },
        livemode: false,
        created_at: undefined,
      },
    );
    const id = created.body.id as string;
    assert.equal((await shop.get(`/v1/customers/${id}`).expect(200)).body.name, 'Anna Petrova');

    const updated = await shop.post(`/v1/customers/${id}`, { name: 'Anna P.', phone: null }).expect(200);
    assert.equal(updated.body.name, 'Anna P.');
    assert.equal(updated.body.phone, null);
    assert.equal(updated.body.email, 'anna@example.com');

    await shop.post('/v1/customers', { email: 'boris@example.com' }).expect(201);
    const all = await shop.get('/v1/customers?limit=1').expect(200);
    assert.equal(all.body.object, 'list');
    assert.equal(all.body.data.length, 1);
    assert.equal(all.body.has_more, true);
    const next = await shop.get(`/v1/customers?limit=1&starting_after=${all.body.data[0].id}`).expect(200);
    assert.equal(next.body.data[0].id, id);
    const byEmail = await shop.get('/v1/customers?email=ANNA@example.com').expect(200);
    assert.deepEqual(
      byEmail.body.data.map((c: { id: string }) => c.id),
      [id],
    );

    const events = await t.gateway.db('events').where({ merchant_id: merchantId, object_id: id }).orderBy('created_at');
    assert.deepEqual(
      events.map((e: { type: string }) => e.type),
      ['customer.created', 'customer.updated'],
    );
  });

  it("answers 404 for another merchant's customer and for the other mode, and changes nothing", async () => {
    const id = (await shop.post('/v1/customers', { email: 'mine@example.com' }).expect(201)).body.id as string;
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    for (const res of [
      await other.get(`/v1/customers/${id}`),
      await other.post(`/v1/customers/${id}`, { name: 'Stolen' }),
      await other.get(`/v1/customers/${id}/payment_methods`),
      await other.get(`/v1/customers/${id}/export`),
      await request(t.gateway.app).delete(`/v1/customers/${id}`).set('Authorization', `Bearer ${other.key}`),
    ]) {
      assert.equal(res.status, 404, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'resource_not_found');
    }
    assert.deepEqual((await other.get('/v1/customers').expect(200)).body.data, []);
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
    assert.equal((await shop.get(`/v1/customers/${id}`).expect(200)).body.email, 'mine@example.com');
  });

  it('refuses hostile or malformed input with a clear code and writes nothing', async () => {
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    const cases: Array<[unknown, string, string]> = [
      [{ name: 'Anna\u202Egpj.exe' }, 'parameter_invalid', 'name'],
      [{ name: 'line\nbreak' }, 'parameter_invalid', 'name'],
      [{ email: 'not-an-email' }, 'parameter_invalid', 'email'],
      [{ phone: '<script>alert(1)</script>' }, 'parameter_invalid', 'phone'],
      [{ metadata: { 'bad key\u0000': 'x' } }, 'parameter_invalid', 'metadata.bad key\u0000'],
      [{ metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }, 'parameter_invalid', 'metadata'],
      [{ name: 'x'.repeat(201) }, 'parameter_invalid', 'name'],
      [{ unknown_field: 1 }, 'parameter_unknown', 'unknown_field'],
      [{ email: 42 }, 'parameter_invalid', 'email'],
    ];
    for (const [body, code, param] of cases) {
      const res = await shop.post('/v1/customers', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code, JSON.stringify(body));
      assert.equal(res.body.error.param, param, JSON.stringify(body));
    }
    for (const bad of ['cus_', 'pay_123', 'cus_../../etc', 'cus_%00', `cus_${'a'.repeat(41)}`]) {
      const res = await shop.get(`/v1/customers/${encodeURIComponent(bad)}`);
      assert.equal(res.status, 400, bad);
      assert.equal(res.body.error.param, 'id');
    }
    assert.equal((await shop.get('/v1/customers?starting_after=cus_nothere').expect(400)).body.error.param, 'starting_after');
    assert.equal((await shop.get('/v1/customers?limit=1000').expect(400)).body.error.param, 'limit');
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
  });

  it('keeps hostile text as data: what a customer is called comes back exactly, escaped only where it is shown', async () => {
    const name = 'Robert"); DROP TABLE customers;-- <img src=x onerror=alert(1)>';
    const res = await shop.post('/v1/customers', { name, metadata: { note: '{{constructor.constructor}}' } }).expect(201);
    assert.equal(res.body.name, name);
    assert.equal((await shop.get(`/v1/customers/${res.body.id}`).expect(200)).body.metadata.note, '{{constructor.constructor}}');
    assert.ok(((await t.gateway.db('customers').count({ n: '*' }).first())!.n as number) > 0);
  });

  it('replays an idempotent create', async () => {
    const first = await shop.post('/v1/customers', { email: 'idem@example.com' }, 'idem-cus-1').expect(201);
    const again = await shop.post('/v1/customers', { email: 'idem@example.com' }, 'idem-cus-1').expect(201);
    assert.equal(again.body.id, first.body.id);
    assert.equal(again.headers['idempotent-replayed'], 'true');
  });

  it('erases a customer: personal fields blanked, later reads 404, export before has everything', async () => {
    const id = (await shop.post('/v1/customers', { email: 'erase@example.com', name: 'Erase Me', phone: '+1 555 0100' }).expect(201)).body.id as string;
    const exported = await shop.get(`/v1/customers/${id}/export`).expect(200);
    assert.equal(exported.body.object, 'customer_export');
    assert.equal(exported.body.customer.email, 'erase@example.com');
    assert.deepEqual(exported.body.payment_methods, []);
    const erased = await request(t.gateway.app).delete(`/v1/customers/${id}`).set('Authorization', `Bearer ${shop.key}`).expect(200);
    assert.deepEqual(erased.body, { id, object: 'customer', deleted: true });
    const row = await t.gateway.db('customers').where({ id }).first();
    assert.equal(row.email, null);
    assert.equal(row.name, null);
    assert.equal(row.phone, null);
    assert.notEqual(row.erased_at, null);
    assert.equal((await shop.get(`/v1/customers/${id}`)).status, 404);
    assert.equal((await request(t.gateway.app).delete(`/v1/customers/${id}`).set('Authorization', `Bearer ${shop.key}`)).status, 404);
    const events = await t.gateway.db('events').where({ object_id: id, type: 'customer.deleted' });
    assert.equal(events.length, 1);
    assert.equal(JSON.stringify(events[0]).includes('erase@example.com'), false);
  });
});
