import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { EventOutbox } from '@tender/core';
import { WebhookFanout } from '@tender/core/dist/notifications/webhooks/webhook-fanout';
import { WebhookDeliveryQueue } from '@tender/core/dist/notifications/webhooks/webhook-delivery-queue';
import { WebhookDispatcher } from '@tender/core/dist/notifications/webhooks/webhook-dispatcher';
import { eventView } from '@tender/core/dist/notifications/events/event-view';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';
import { FAST_WEBHOOKS, WebhookReceiver } from '../support/webhook-receiver';

/** The fan-out's one transaction, reached to stop it before its commit as a dying process would. */
interface FanoutInternals {
  fanOut(trx: unknown, seqs: readonly number[], now: number): Promise<{ events: number; leftWaiting: boolean }>;
}

describe('webhooks: deliveries are made from events at dispatch time (WebhookFanout)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let merchantId: string;
  // Registration checks the URL; only the last test sends to it (by runOnce: no background dispatcher runs).
  const receiver = new WebhookReceiver();

  before(async () => receiver.start());
  after(async () => receiver.close());
  beforeEach(async () => {
    t = await startTestGateway({ env: FAST_WEBHOOKS });
    const m = await t.createMerchant();
    merchantId = m.id;
    shop = new MerchantClient(t.gateway.app, m.key);
  });
  afterEach(async () => t.close());

  async function record(count: number, type = 'payment.captured'): Promise<string[]> {
    const outbox = t.gateway.container.resolve(EventOutbox);
    const ids: string[] = [];
    await t.gateway.db.transaction(async (trx) => {
      for (let i = 0; i < count; i++)
        ids.push(await outbox.record(trx, { merchantId, livemode: false, type, objectType: 'payment', objectId: `pay_fanout${i}`, data: { i } }));
    });
    return ids;
  }

  it("writes no delivery in the event's transaction; concurrent runs make each (event, endpoint) exactly once", async () => {
    const all = (await shop.post('/v1/webhook_endpoints', { url: receiver.url('/all'), events: ['*'] }).expect(201)).body as { id: string };
    const captured = (await shop.post('/v1/webhook_endpoints', { url: receiver.url('/captured'), events: ['payment.captured'] }).expect(201)).body as {
      id: string;
    };
    await shop.post('/v1/webhook_endpoints', { url: receiver.url('/refunds'), events: ['refund.succeeded'] }).expect(201);
    const ids = [...(await record(150)), ...(await record(100, 'payment.created'))];
    assert.equal((await t.gateway.db('webhook_deliveries').whereIn('event_id', ids)).length, 0, 'nothing before the dispatcher runs');
    // Several dispatchers at once (separate pool connections on MariaDB).
    const fanouts = [0, 1, 2, 3].map(() => t.gateway.container.resolve(WebhookFanout));
    const taken = await Promise.all(fanouts.map((f) => f.run(Date.now())));
    assert.equal(
      taken.reduce((a, b) => a + b, 0),
      250,
      'each event taken by one run',
    );
    const rows: Array<{ event_id: string; endpoint_id: string }> = await t.gateway
      .db('webhook_deliveries')
      .whereIn('event_id', ids)
      .select('event_id', 'endpoint_id');
    assert.equal(rows.length, 250 + 150, 'one per subscribed endpoint');
    assert.equal(new Set(rows.map((r) => `${r.event_id}/${r.endpoint_id}`)).size, rows.length, 'no pair twice');
    assert.equal(rows.filter((r) => r.endpoint_id === all.id).length, 250);
    assert.equal(rows.filter((r) => r.endpoint_id === captured.id).length, 150);
    assert.equal(await fanouts[0].run(Date.now()), 0, 'nothing left');
  });

  it('a fan-out that dies before its commit leaves its events waiting: made once by the next run, never lost', async () => {
    const endpoint = (await shop.post('/v1/webhook_endpoints', { url: receiver.url('/hook'), events: ['*'] }).expect(201)).body as { id: string };
    const ids = await record(5);
    const seqs = (await t.gateway.db('events').whereIn('id', ids).select('seq')).map((r: { seq: number | string }) => Number(r.seq));
    const fanout = t.gateway.container.resolve(WebhookFanout);
    const died = new Error('process died');
    await assert.rejects(
      t.gateway.db.transaction(async (trx) => {
        assert.equal((await (fanout as unknown as FanoutInternals).fanOut(trx, seqs, Date.now())).events, 5);
        throw died;
      }),
      died,
    );
    assert.equal((await t.gateway.db('webhook_deliveries').whereIn('event_id', ids)).length, 0);
    assert.equal(await fanout.run(Date.now()), 5);
    const rows = await t.gateway.db('webhook_deliveries').whereIn('event_id', ids);
    assert.equal(rows.length, 5);
    assert.ok(rows.every((r: { endpoint_id: string; status: string }) => r.endpoint_id === endpoint.id && r.status === 'pending'));
  });

  it('an endpoint registered after an event does not get it; a deleted one gets nothing', async () => {
    const ids = await record(3);
    await new Promise((r) => setTimeout(r, 5));
    await shop.post('/v1/webhook_endpoints', { url: receiver.url('/late'), events: ['*'] }).expect(201);
    const disabled = (await shop.post('/v1/webhook_endpoints', { url: receiver.url('/off'), events: ['*'] }).expect(201)).body as { id: string };
    await t.gateway.db('webhook_endpoints').where({ id: disabled.id }).update({ status: 'deleted' });
    const later = await record(2);
    await t.gateway.container.resolve(WebhookFanout).run(Date.now());
    assert.equal((await t.gateway.db('webhook_deliveries').whereIn('event_id', ids)).length, 0);
    assert.equal((await t.gateway.db('webhook_deliveries').whereIn('event_id', later)).length, 2, 'the late endpoint gets the events after it');
  });

  /** An endpoint for every event; its signing secret. The pause puts the events after its creation. */
  async function endpoint(): Promise<string> {
    const created = await shop.post('/v1/webhook_endpoints', { url: receiver.url('/hook'), events: ['*'] }).expect(201);
    await new Promise((r) => setTimeout(r, 5));
    return String((created.body as { secret: string }).secret);
  }

  it('inserts up to the limit already leased to the caller and leaves the other events waiting; the next claim takes them fresh', async () => {
    await endpoint();
    const ids = await record(10);
    const queue = t.gateway.container.resolve(WebhookDeliveryQueue);
    const batch = await queue.claimBatch({ now: Date.now(), limit: 4, leaseMs: 600_000 });
    assert.equal(batch.fresh.length, 4, 'four claimed by the fan-out');
    assert.equal(batch.due.length, 0, 'the limit is reached: no queue claim');
    assert.equal(batch.more, true, 'events were left waiting: claim again at once');
    for (const f of batch.fresh) {
      assert.equal(f.delivery.attempt, 1);
      assert.equal(String(f.event.id), f.delivery.eventId, 'the event row comes along');
      assert.equal(String(f.endpoint.id), f.delivery.endpointId, 'the endpoint row comes along');
    }
    const rows: Array<{ id: string; status: string; attempt_count: number; lease_token: string | null }> = await t.gateway
      .db('webhook_deliveries')
      .where({ merchant_id: merchantId, livemode: false });
    assert.equal(rows.length, 4, 'no due row made for the events beyond the room');
    assert.ok(rows.every((r) => r.status === 'pending' && Number(r.attempt_count) === 1 && r.lease_token !== null));
    assert.deepEqual(
      (await t.gateway.db('events').whereIn('id', ids).andWhere('fanout', 0).select('id')).map((e: { id: string }) => e.id).sort(),
      ids.filter((id) => !batch.fresh.some((f) => f.delivery.eventId === id)).sort(),
      'the other six still wait, in order after the four',
    );
    assert.deepEqual(
      batch.fresh.map((f) => f.delivery.eventId),
      ids.slice(0, 4),
      'the oldest events first',
    );
    const next = await queue.claimBatch({ now: Date.now(), limit: 32, leaseMs: 600_000 });
    assert.equal(next.fresh.length, 6, 'the rest, fresh');
    assert.equal(next.due.length, 0);
    assert.equal(next.more, false);
    // A queue claim (no room: the fan-out makes everything due) finds nothing: all ten are leased.
    assert.equal((await queue.claim({ now: Date.now(), limit: 50, leaseMs: 600_000 })).length, 0);
  });

  it('takes events with no delivery beyond the room; an event with more endpoints than the room left has the rest made due', async () => {
    await endpoint();
    await endpoint();
    const other = await t.createMerchant();
    const outbox = t.gateway.container.resolve(EventOutbox);
    // Interleaved: this merchant's events (two endpoints each) and another merchant's (no endpoint).
    const mine: string[] = [];
    const theirs: string[] = [];
    await t.gateway.db.transaction(async (trx) => {
      for (let i = 0; i < 4; i++) {
        mine.push(
          await outbox.record(trx, { merchantId, livemode: false, type: 'payment.captured', objectType: 'payment', objectId: `pay_m${i}`, data: { i } }),
        );
        theirs.push(
          await outbox.record(trx, {
            merchantId: other.id,
            livemode: false,
            type: 'payment.captured',
            objectType: 'payment',
            objectId: `pay_o${i}`,
            data: { i },
          }),
        );
      }
    });
    const queue = t.gateway.container.resolve(WebhookDeliveryQueue);
    const batch = await queue.claimBatch({ now: Date.now(), limit: 3, leaseMs: 600_000 });
    // Room 3: the first event fills two, the second one more and its other delivery is due; the third and fourth wait.
    assert.equal(batch.fresh.length, 3);
    assert.equal(batch.more, true);
    const rows: Array<{ event_id: string; lease_token: string | null }> = await t.gateway.db('webhook_deliveries').whereIn('event_id', mine);
    assert.equal(rows.length, 4);
    assert.deepEqual([...new Set(rows.map((r) => r.event_id))].sort(), mine.slice(0, 2).sort());
    assert.equal(rows.filter((r) => r.lease_token === null).length, 1, 'one due');
    // Candidates are twice the room (m0 o0 m1 o1 m2 o2): the other merchant's among them are taken (they cost no
    // room), m2 waits; m3 and o3 were not read this time.
    const waiting = (await t.gateway.db('events').where('fanout', 0).select('id')).map((e: { id: string }) => e.id).sort();
    assert.deepEqual(waiting, [...mine.slice(2), theirs[3]].sort());
  });

  it('a fan-out try that loses a race and runs again hands back only the deliveries that were committed', async () => {
    await endpoint();
    await record(6);
    // The first try writes its deliveries, then fails as a Galera certification failure
    // would (errno 1213): inTransaction rolls it back and runs it again. Patched on the
    // prototype because the queue holds its own WebhookFanout instance.
    type FanOut = (this: unknown, ...args: unknown[]) => Promise<unknown>;
    const internals = WebhookFanout.prototype as unknown as { fanOut: FanOut };
    const original: FanOut = internals.fanOut;
    let tries = 0;
    internals.fanOut = async function (this: unknown, ...args: unknown[]) {
      const taken = await original.apply(this, args);
      if (++tries === 1) throw Object.assign(new Error('Deadlock found when trying to get lock'), { errno: 1213 });
      return taken;
    };
    let batch;
    try {
      batch = await t.gateway.container.resolve(WebhookDeliveryQueue).claimBatch({ now: Date.now(), limit: 4, leaseMs: 600_000 });
    } finally {
      internals.fanOut = original;
    }
    assert.equal(tries, 2, 'the fan-out ran again after the conflict');
    const rows: Array<{ id: string; lease_token: string | null }> = await t.gateway
      .db('webhook_deliveries')
      .where({ merchant_id: merchantId, livemode: false });
    assert.equal(rows.length, 4, 'one delivery per event taken (two wait for want of room): the rolled-back try left nothing');
    assert.equal(Number((await t.gateway.db('events').where({ merchant_id: merchantId, fanout: 0 }).count({ n: '*' }))[0]?.n), 2);
    const leased = new Set(rows.filter((r) => r.lease_token !== null).map((r) => r.id));
    assert.equal(batch.fresh.length, 4, 'four claimed, not four more of the rolled-back try');
    for (const f of batch.fresh) assert.ok(leased.has(f.delivery.id), `${f.delivery.id} was committed and is leased`);
    assert.equal(leased.size, 4);
  });

  it('delivers fresh deliveries once each, signed, and records them delivered', async () => {
    const secret = await endpoint();
    const ids = await record(40);
    const dispatcher = t.gateway.container.resolve(WebhookDispatcher);
    let sent = 0;
    for (let i = 0; i < 10 && sent < 40; i++) sent += await dispatcher.runOnce();
    assert.equal(sent, 40);
    const rows: Array<{ status: string; attempt_count: number }> = await t.gateway.db('webhook_deliveries').whereIn('event_id', ids);
    assert.deepEqual(
      rows.map((r) => `${r.status}/${Number(r.attempt_count)}`),
      ids.map(() => 'delivered/1'),
    );
    assert.deepEqual([...new Set(receiver.acknowledged())].sort(), [...ids].sort());
    assert.equal(receiver.acknowledged().length, 40, 'no event twice');
    // The body is the event as the API shows it, byte for byte, and the signature covers it.
    const events: Array<Record<string, unknown>> = await t.gateway.db('events').whereIn('id', ids);
    for (const hook of receiver.received.filter((h) => ids.includes(h.eventId))) {
      const row = events.find((e) => e.id === hook.eventId);
      assert.ok(row !== undefined);
      assert.equal(hook.body, JSON.stringify(eventView(row)));
      const [t0, v1] = String(hook.headers['tender-signature']).split(',');
      const at = t0.slice('t='.length);
      assert.equal(v1, `v1=${createHmac('sha256', secret).update(`${at}.${hook.body}`).digest('hex')}`);
    }
  });
});
