import assert from 'node:assert/strict';
import request from 'supertest';
import { TestGateway, startTestGateway, ADMIN_TOKEN } from '../support/test-gateway';

describe('authentication', function () {
  let t: TestGateway;
  before(async () => {
    t = await startTestGateway();
  });
  after(() => t.close());

  it('the operator API needs the admin token', async () => {
    const none = await request(t.gateway.app).post('/admin/v1/merchants').send({ name: 'X', email: 'x@example.com' }).expect(401);
    assert.equal(none.body.error.code, 'authentication_required');
    const wrong = await request(t.gateway.app)
      .post('/admin/v1/merchants')
      .set('Authorization', 'Bearer adm_wrong_token_0000000000')
      .send({ name: 'X', email: 'x@example.com' })
      .expect(401);
    assert.equal(wrong.body.error.code, 'api_key_invalid');
    assert.equal((await t.gateway.db('merchants')).length, 0);
  });

  it('creates a merchant in test mode with keys shown once and stored only as hashes', async () => {
    const res = await request(t.gateway.app)
      .post('/admin/v1/merchants')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ name: 'Shop', email: 'shop@example.com' })
      .expect(201);
    assert.equal(res.body.mode, 'test');
    assert.match(res.body.id, /^mer_/);
    assert.match(res.body.test_secret_key, /^sk_test_[0-9A-Za-z]{32}$/);
    assert.match(res.body.test_publishable_key, /^pk_test_[0-9A-Za-z]{32}$/);
    const rows = await t.gateway.db('api_keys').where({ merchant_id: res.body.id });
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.ok(!Object.values(row).includes(res.body.test_secret_key));
      assert.match(row.key_hash, /^[0-9a-f]{64}$/);
    }
    const got = await request(t.gateway.app).get(`/admin/v1/merchants/${res.body.id}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    assert.equal(got.body.test_secret_key, undefined);
  });

  it('the merchant API needs a valid secret key', async () => {
    const merchant = await t.createMerchant();
    const none = await request(t.gateway.app).get('/v1/payments').expect(401);
    assert.equal(none.body.error.code, 'authentication_required');
    const bad = await request(t.gateway.app).get('/v1/payments').set('Authorization', 'Bearer sk_test_00000000000000000000000000000000').expect(401);
    assert.equal(bad.body.error.code, 'api_key_invalid');
    const garbage = await request(t.gateway.app).get('/v1/payments').set('Authorization', 'Basic abc').expect(401);
    assert.equal(garbage.body.error.code, 'authentication_required');
    const publishable = await request(t.gateway.app).get('/v1/payments').set('Authorization', `Bearer ${merchant.publishableKey}`).expect(403);
    assert.equal(publishable.body.error.code, 'api_key_wrong_kind');
    const admin = await request(t.gateway.app).get('/v1/payments').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(401);
    assert.equal(admin.body.error.code, 'api_key_invalid');
    await request(t.gateway.app).get('/v1/payments').set('Authorization', `Bearer ${merchant.key}`).expect(200);
  });

  it('a revoked key stops working', async () => {
    const merchant = await t.createMerchant();
    await t.gateway.db('api_keys').where({ merchant_id: merchant.id, kind: 'secret' }).update({ revoked_at: Date.now() });
    await request(t.gateway.app).get('/v1/payments').set('Authorization', `Bearer ${merchant.key}`).expect(401);
  });

  it('answers /healthz when the database answers, with security headers', async () => {
    const res = await request(t.gateway.app).get('/healthz').expect(200);
    assert.deepEqual(res.body, { status: 'ok' });
    assert.equal(res.headers['x-powered-by'], undefined);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });
});

describe('a gateway without bank adapters', function () {
  it('starts, and refuses to confirm with no_bank_connection instead of crashing', async () => {
    const t = await startTestGateway({ plugins: [] });
    try {
      const shop = await t.createMerchant();
      const p = await request(t.gateway.app)
        .post('/v1/payments')
        .set('Authorization', `Bearer ${shop.key}`)
        .send({ amount: 100, currency: 'RUB', order_id: 'x' })
        .expect(201);
      const res = await request(t.gateway.app)
        .post(`/v1/payments/${p.body.id}/confirm`)
        .set('Authorization', `Bearer ${shop.key}`)
        .send({ payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' } } })
        .expect(502);
      assert.equal(res.body.error.code, 'no_bank_connection');
      const after = await request(t.gateway.app).get(`/v1/payments/${p.body.id}`).set('Authorization', `Bearer ${shop.key}`).expect(200);
      assert.equal(after.body.status, 'pending');
    } finally {
      await t.close();
    }
  });
});
