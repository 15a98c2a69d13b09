import assert from 'node:assert/strict';
import request from 'supertest';
import { FixedClock } from '@tender/core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';

const HOUR = 3600_000;

describe('API keys: several per mode, labels, revoke, roll with overlap', function () {
  const clock = new FixedClock(Date.parse('2026-04-01T00:00:00Z'));
  let t: TestGateway;
  let shop: MerchantClient;

  before(async () => {
    t = await startTestGateway({ clock });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Keys Shop')).key);
  });
  after(() => t.close());

  it('creates labelled keys, shows each secret once, and lists them without secrets', async () => {
    const ci = await shop.post('/v1/api_keys', { label: 'ci' }).expect(201);
    assert.match(ci.body.secret, /^sk_test_/);
    assert.equal(ci.body.label, 'ci');
    const list = await shop.get('/v1/api_keys').expect(200);
    const labels = list.body.data.map((k: { label: string; kind: string }) => `${k.label}/${k.kind}`).sort();
    assert.deepEqual(labels, ['ci/secret', 'default/publishable', 'default/secret']);
    assert.ok(!JSON.stringify(list.body).includes(ci.body.secret));
    await new MerchantClient(t.gateway.app, ci.body.secret).get('/v1/payments').expect(200);
    const stored = await t.gateway.db('idempotency_keys').select('response_body');
    assert.ok(!stored.some((r: { response_body: string | null }) => (r.response_body ?? '').includes('sk_test_')), 'key responses are never stored');
  });

  it('rolls a key: the old one works until expires_at, the new one at once', async () => {
    const old = await shop.post('/v1/api_keys', { label: 'web' }).expect(201);
    const oldShop = new MerchantClient(t.gateway.app, old.body.secret);
    const rolled = await oldShop.post(`/v1/api_keys/${old.body.id}/roll`, { expires_in_hours: 2 }).expect(201);
    assert.equal(rolled.body.key.label, 'web');
    assert.equal(rolled.body.previous.expires_at, new Date(clock.now() + 2 * HOUR).toISOString());
    const newShop = new MerchantClient(t.gateway.app, rolled.body.key.secret);
    await oldShop.get('/v1/payments').expect(200);
    await newShop.get('/v1/payments').expect(200);
    clock.advance(2 * HOUR);
    assert.equal((await oldShop.get('/v1/payments').expect(401)).body.error.code, 'api_key_invalid');
    await newShop.get('/v1/payments').expect(200);
    await newShop.post(`/v1/api_keys/${old.body.id}/roll`).expect(404);
  });

  it('revokes a key at once; another merchant cannot see or revoke it (404)', async () => {
    const other = new MerchantClient(t.gateway.app, (await t.createMerchant('Other')).key);
    const k = await shop.post('/v1/api_keys', { label: 'temp' }).expect(201);
    assert.equal((await other.post(`/v1/api_keys/${k.body.id}/roll`).expect(404)).body.error.code, 'resource_not_found');
    await request(t.gateway.app).delete(`/v1/api_keys/${k.body.id}`).set('Authorization', `Bearer ${other.key}`).expect(404);
    assert.ok(!(await other.get('/v1/api_keys')).body.data.some((x: { id: string }) => x.id === k.body.id));
    const revoked = await request(t.gateway.app).delete(`/v1/api_keys/${k.body.id}`).set('Authorization', `Bearer ${shop.key}`).expect(200);
    assert.notEqual(revoked.body.revoked_at, null);
    await new MerchantClient(t.gateway.app, k.body.secret).get('/v1/payments').expect(401);
  });

  it('keeps publishable keys off the secret API (api_key_wrong_kind) and validates input', async () => {
    const pk = await shop.post('/v1/api_keys', { kind: 'publishable', label: 'checkout' }).expect(201);
    assert.match(pk.body.secret, /^pk_test_/);
    const refused = await new MerchantClient(t.gateway.app, pk.body.secret).get('/v1/api_keys').expect(403);
    assert.equal(refused.body.error.code, 'api_key_wrong_kind');
    const before = (await shop.get('/v1/api_keys')).body.data.length;
    assert.equal((await shop.post('/v1/api_keys', { kind: 'root' }).expect(400)).body.error.param, 'kind');
    assert.equal((await shop.post('/v1/api_keys', { label: 'x', admin: true }).expect(400)).body.error.code, 'parameter_unknown');
    await shop.post('/v1/api_keys/key_nope/roll', { expires_in_hours: 500 }).expect(400);
    assert.equal((await shop.get('/v1/api_keys')).body.data.length, before);
  });
});
