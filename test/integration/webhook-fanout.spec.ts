import assert from 'node:assert/strict';
import { EventOutbox } from '@tender/core';
import { WebhookFanout } from '@tender/core/dist/notifications/webhooks/webhook-fanout';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';
import { FAST_WEBHOOKS, WebhookReceiver } from '../support/webhook-receiver';

/** The fan-out's one transaction, reached to stop it before its commit as a dying process would. */
interface FanoutInternals {
  fanOut(trx: unknown, seqs: readonly number[], now: number): Promise<number>;
}

describe('webhooks: deliveries are made from events at dispatch time (WebhookFanout)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let merchantId: string;
  // Registration checks the URL; nothing is sent to it here (no dispatcher runs).
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
        assert.equal(await (fanout as unknown as FanoutInternals).fanOut(trx, seqs, Date.now()), 5);
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
});
