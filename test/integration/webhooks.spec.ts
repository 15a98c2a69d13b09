import assert from 'node:assert/strict';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Gateway } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import request from 'supertest';
import { FAST_WEBHOOKS, WebhookReceiver, eventually } from '../support/webhook-receiver';

function del(t: TestGateway, shop: MerchantClient, path: string): request.Test {
  return request(t.gateway.app).delete(path).set('Authorization', `Bearer ${shop.key}`);
}

/**
 * HMAC-SHA256 written out from its definition (RFC 2104) on top of plain SHA-256, so
 * the test checks Tender's signatures with an implementation that shares no code
 * with Tender's.
 */
function hmacSha256Hex(key: string, message: string): string {
  let k = Buffer.from(key, 'utf8');
  if (k.length > 64) k = createHash('sha256').update(k).digest();
  k = Buffer.concat([k, Buffer.alloc(64 - k.length)]);
  const ipad = Buffer.from(k.map((b) => b ^ 0x36));
  const opad = Buffer.from(k.map((b) => b ^ 0x5c));
  const inner = createHash('sha256').update(ipad).update(message, 'utf8').digest();
  return createHash('sha256').update(opad).update(inner).digest('hex');
}

/** What a shop does: parse t and every v1, recompute, compare in constant time. */
function verify(header: string, body: string, secret: string): boolean {
  const parts = header.split(',').map((p) => p.split('=') as [string, string]);
  const t = parts.find(([k]) => k === 't')?.[1];
  if (t === undefined) return false;
  const expected = Buffer.from(hmacSha256Hex(secret, `${t}.${body}`));
  return parts.filter(([k]) => k === 'v1').some(([, v]) => v.length === expected.length && timingSafeEqual(Buffer.from(v), expected));
}

describe('webhooks: signed delivery through the outbox', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let receiver: WebhookReceiver;

  before(async () => {
    t = await startTestGateway({ env: FAST_WEBHOOKS });
    t.gateway.startBackgroundJobs();
  });
  after(async () => t.close());
  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterEach(async () => receiver.close());

  async function shopWithEndpoint(events: string[] = ['payment.captured']): Promise<{ shop: MerchantClient; endpoint: { id: string; secret: string } }> {
    const m = await t.createMerchant();
    const shop = new MerchantClient(t.gateway.app, m.key);
    const res = await shop.post('/v1/webhook_endpoints', { url: receiver.url(), events }).expect(201);
    return { shop, endpoint: res.body };
  }

  it('POSTs the event signed with the endpoint secret; an independent HMAC verifies it', async () => {
    const { shop, endpoint } = await shopWithEndpoint();
    assert.match(endpoint.secret, /^whsec_[0-9A-Za-z]{32}$/);
    const p = await shop.pay(CARDS.visa);
    await receiver.until(() => receiver.acknowledged().length === 1, 'one acknowledged delivery');
    const hook = receiver.received[0];
    const event = JSON.parse(hook.body);
    assert.equal(event.object, 'event');
    assert.equal(event.type, 'payment.captured');
    assert.equal(event.data.object.id, p.id);
    assert.equal(event.data.object.status, 'captured');
    assert.equal(hook.headers['tender-event-id'], event.id);
    assert.equal(hook.headers['content-type'], 'application/json');
    const signature = String(hook.headers['tender-signature']);
    assert.match(signature, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.ok(verify(signature, hook.body, endpoint.secret), 'signature verifies');
    assert.ok(!verify(signature, hook.body.replace('captured', 'refunded'), endpoint.secret), 'a changed body does not verify');
    assert.ok(!verify(signature, hook.body, 'whsec_someoneelse'), 'another secret does not verify');
    // The same event as the API shows it.
    const fromApi = (await shop.get(`/v1/events/${event.id}`).expect(200)).body;
    assert.deepEqual(fromApi, event);
  });

  it('shows the secret only once and keeps it encrypted at rest', async () => {
    const { shop, endpoint } = await shopWithEndpoint(['*']);
    const listed = (await shop.get('/v1/webhook_endpoints').expect(200)).body;
    assert.equal(listed.data.length, 1);
    assert.equal(listed.data[0].secret, undefined);
    assert.equal((await shop.get(`/v1/webhook_endpoints/${endpoint.id}`).expect(200)).body.secret, undefined);
    const row = await t.gateway.db('webhook_endpoints').where({ id: endpoint.id }).first();
    assert.ok(!JSON.stringify(row).includes(endpoint.secret.slice(6)), 'the secret is stored in clear');
  });

  it('a receiver that fails 3 times then succeeds gets the event acknowledged exactly once', async () => {
    const { shop, endpoint } = await shopWithEndpoint();
    receiver.answer = (_hook, index) => (index < 3 ? 500 : 200);
    await shop.pay(CARDS.visa);
    await receiver.until(() => receiver.acknowledged().length === 1, 'the fourth attempt acknowledged');
    // Give the dispatcher the chance to (wrongly) send again.
    await new Promise((r) => setTimeout(r, 300));
    await eventually(
      async () => (await t.gateway.db('webhook_deliveries').where({ endpoint_id: endpoint.id, status: 'delivered' })).length === 1,
      'the delivery recorded',
    );
    assert.equal(receiver.received.length, 4);
    assert.equal(receiver.acknowledged().length, 1);
    assert.equal(new Set(receiver.received.map((h) => h.eventId)).size, 1, 'every attempt carries the same event id');
    const log = (await shop.get(`/v1/webhook_endpoints/${endpoint.id}/deliveries`).expect(200)).body;
    assert.equal(log.data.length, 1);
    const delivery = log.data[0];
    assert.equal(delivery.status, 'delivered');
    assert.equal(delivery.attempt_count, 4);
    assert.deepEqual(
      delivery.attempts.map((a: { status_code: number }) => a.status_code),
      [200, 500, 500, 500],
    );
    assert.equal(delivery.attempts[1].response_excerpt, 'no thanks (500)');
    for (const a of delivery.attempts) assert.ok(Number.isInteger(a.latency_ms) && a.latency_ms >= 0);
    assert.deepEqual(
      delivery.attempts.map((a: { attempt: number }) => a.attempt),
      [4, 3, 2, 1],
    );
    // Where they are kept: the failures as webhook_attempts rows, the delivering attempt on the delivery row.
    const failures = await t.gateway.db('webhook_attempts').where({ delivery_id: delivery.id }).orderBy('attempt');
    assert.deepEqual(
      failures.map((a) => [a.attempt, a.status_code]),
      [
        [1, 500],
        [2, 500],
        [3, 500],
      ],
    );
    const row = await t.gateway.db('webhook_deliveries').where({ id: delivery.id }).first();
    assert.equal(Number(row?.delivered_status_code), 200);
    assert.equal(new Date(Number(row?.delivered_started_at)).toISOString(), delivery.attempts[0].started_at);
  });

  it('an answer that does not come within the timeout is retried', async () => {
    const { shop, endpoint } = await shopWithEndpoint();
    receiver.answer = (_hook, index) => (index === 0 ? 'hang' : 200);
    await shop.pay(CARDS.visa);
    await receiver.until(() => receiver.acknowledged().length === 1, 'the retry acknowledged');
    // The receiver has answered; the dispatcher records the answer a moment later.
    const deliveries = async () => (await shop.get(`/v1/webhook_endpoints/${endpoint.id}/deliveries`).expect(200)).body.data;
    await eventually(async () => (await deliveries())[0].status === 'delivered', 'the delivery recorded');
    const delivery = (await deliveries())[0];
    assert.equal(delivery.attempts.length, 2);
    assert.equal(delivery.attempts[1].status_code, null);
    assert.match(delivery.attempts[1].error, /no answer within 1000 ms/);
  });

  it('a rejected event is retried on its own and holds back no later event (no order is kept)', async () => {
    const { shop } = await shopWithEndpoint(['payment.*']);
    let createdRejected = 0;
    receiver.answer = (hook) => (JSON.parse(hook.body).type === 'payment.created' && createdRejected++ < 3 ? 503 : 200);
    const p = await shop.createPayment({ capture_method: 'manual' });
    await shop
      .post(`/v1/payments/${p.id}/confirm`, {
        payment_method: { type: 'card', card: { number: CARDS.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' } },
      })
      .expect(200);
    await shop.post(`/v1/payments/${p.id}/capture`, {}).expect(200);
    await receiver.until(() => receiver.acknowledged().length === 4, 'four events acknowledged');
    const types = receiver.received.map((h) => JSON.parse(h.body).type as string);
    assert.equal(types.filter((x) => x === 'payment.created').length, 4, 'three rejections, then the acknowledged attempt');
    assert.deepEqual([...new Set(receiver.acknowledged())].length, 4, 'each event acknowledged once');
    // What a receiver does to order: sort by the event's created_at.
    const acknowledged = receiver.received.filter((h) => h.status === 200).map((h) => JSON.parse(h.body) as { type: string; created_at: string });
    const byCreated = [...acknowledged].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || 0).map((e) => e.type);
    assert.equal(byCreated[0], 'payment.created');
    assert.equal(byCreated[byCreated.length - 1], 'payment.captured');
  });

  it('filters by event type', async () => {
    const { shop } = await shopWithEndpoint(['payment.declined']);
    await shop.pay(CARDS.visa);
    const declined = await shop.pay(CARDS.doNotHonor);
    await receiver.until(() => receiver.acknowledged().length === 1, 'the decline delivered');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(receiver.received.length, 1);
    assert.equal(JSON.parse(receiver.received[0].body).data.object.id, declined.id);
  });

  it('redelivers an event on request', async () => {
    const { shop, endpoint } = await shopWithEndpoint();
    await shop.pay(CARDS.visa);
    await receiver.until(() => receiver.acknowledged().length === 1, 'first delivery');
    const eventId = receiver.received[0].eventId;
    const res = await shop.post(`/v1/events/${eventId}/redeliver`, {}).expect(202);
    assert.equal(res.body.delivery_ids.length, 1);
    await receiver.until(() => receiver.acknowledged().length === 2, 'redelivery');
    assert.equal(receiver.received[1].eventId, eventId);
    const log = (await shop.get(`/v1/webhook_endpoints/${endpoint.id}/deliveries`).expect(200)).body;
    assert.equal(log.data.length, 2);
    // Another merchant cannot redeliver it.
    const other = new MerchantClient(t.gateway.app, (await t.createMerchant('Other')).key);
    await other.post(`/v1/events/${eventId}/redeliver`, {}).expect(404);
  });

  it('rotating the secret signs with both secrets during the overlap', async () => {
    const { shop, endpoint } = await shopWithEndpoint();
    const rotated = (await shop.post(`/v1/webhook_endpoints/${endpoint.id}/rotate_secret`, { expires_in_hours: 1 }).expect(200)).body;
    assert.notEqual(rotated.secret, endpoint.secret);
    assert.ok(rotated.previous_secret_expires_at !== null);
    await shop.pay(CARDS.visa);
    await receiver.until(() => receiver.acknowledged().length === 1, 'delivery after rotation');
    const hook = receiver.received[0];
    const signature = String(hook.headers['tender-signature']);
    assert.match(signature, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    assert.ok(verify(signature, hook.body, rotated.secret), 'the new secret verifies');
    assert.ok(verify(signature, hook.body, endpoint.secret), 'the old secret still verifies');
  });

  it('a deleted endpoint gets nothing more and is a 404', async () => {
    const { shop, endpoint } = await shopWithEndpoint();
    const deleted = (await del(t, shop, `/v1/webhook_endpoints/${endpoint.id}`).expect(200)).body;
    assert.equal(deleted.deleted, true);
    await shop.get(`/v1/webhook_endpoints/${endpoint.id}`).expect(404);
    await shop.pay(CARDS.visa);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(receiver.received.length, 0);
  });

  it("another merchant's endpoint is a 404", async () => {
    const { endpoint } = await shopWithEndpoint();
    const other = new MerchantClient(t.gateway.app, (await t.createMerchant('Other')).key);
    await other.get(`/v1/webhook_endpoints/${endpoint.id}`).expect(404);
    await other.get(`/v1/webhook_endpoints/${endpoint.id}/deliveries`).expect(404);
    await del(t, other, `/v1/webhook_endpoints/${endpoint.id}`).expect(404);
  });

  it('refuses unknown event types and writes nothing', async () => {
    const m = await t.createMerchant();
    const shop = new MerchantClient(t.gateway.app, m.key);
    const before = (await t.gateway.db('webhook_endpoints').count({ n: '*' }))[0].n;
    const res = await shop.post('/v1/webhook_endpoints', { url: receiver.url(), events: ['payment.exploded'] }).expect(400);
    assert.equal(res.body.error.code, 'parameter_invalid');
    assert.equal(res.body.error.param, 'events.0');
    assert.equal((await t.gateway.db('webhook_endpoints').count({ n: '*' }))[0].n, before);
  });
});

describe('webhooks: a receiver that is down while the gateway restarts', function () {
  this.timeout(60_000);

  it('still gets every event', async () => {
    const t = await startTestGateway({ env: FAST_WEBHOOKS });
    const receiver = await new WebhookReceiver().start();
    const port = receiver.port;
    await receiver.close();
    let second: Gateway | undefined;
    try {
      t.gateway.startBackgroundJobs();
      const m = await t.createMerchant();
      const shop = new MerchantClient(t.gateway.app, m.key);
      await shop.post('/v1/webhook_endpoints', { url: `http://127.0.0.1:${port}/hooks`, events: ['*'] }).expect(201);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await shop.pay(CARDS.visa)).id);
      const expected = (await t.gateway.db('events').where({ merchant_id: m.id }).orderBy('seq')).map((e: { id: string }) => e.id);
      assert.equal(expected.length, 9);
      // Attempts fail while nobody listens.
      await eventually(async () => Number((await t.gateway.db('webhook_attempts').count({ n: '*' }))[0]?.n) > 0, 'a failed attempt');
      await t.gateway.close();

      const back = await new WebhookReceiver().start(port);
      try {
        second = await Gateway.create(t.gateway.config, { plugins: [sandboxPlugin] });
        second.startBackgroundJobs();
        await back.until(() => new Set(back.acknowledged()).size === expected.length, 'every event after the restart');
        assert.deepEqual([...new Set(back.acknowledged())].sort(), [...expected].sort(), 'every event, in any order');
      } finally {
        await back.close();
      }
    } finally {
      await second?.close();
      await t.close();
    }
  });
});
