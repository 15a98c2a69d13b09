import assert from 'node:assert/strict';
import { EventOutbox, Gateway } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { WebhookDeliveryQueue } from '@tender/core/dist/notifications/webhooks/webhook-delivery-queue';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { FAST_WEBHOOKS, WebhookReceiver, eventually } from '../support/webhook-receiver';
import { testDatabaseUrl } from '../support/test-database';

/** Writes `count` synthetic events for the merchant (what payments would write), in a few transactions. */
async function writeEvents(t: TestGateway, merchantId: string, count: number): Promise<string[]> {
  const outbox = t.gateway.container.resolve(EventOutbox);
  const ids: string[] = [];
  for (let chunk = 0; chunk * 50 < count; chunk++) {
    await t.gateway.db.transaction(async (trx) => {
      for (let i = chunk * 50; i < Math.min(count, (chunk + 1) * 50); i++) {
        ids.push(
          await outbox.record(trx, {
            merchantId,
            livemode: false,
            type: 'payment.captured',
            objectType: 'payment',
            objectId: `pay_synthetic${i}`,
            data: { n: i },
          }),
        );
      }
    });
  }
  return ids;
}

async function statuses(t: TestGateway, merchantId: string): Promise<Record<string, number>> {
  const rows: Array<{ status: string }> = await t.gateway.db('webhook_deliveries').select('status').where({ merchant_id: merchantId, livemode: false });
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

/**
 * A gateway (fast retries), a receiver on loopback, a merchant with one endpoint for
 * `payment.captured` pointing at it. The receiver timeout is the production 10 s: on
 * a busy test machine 1 s can pass before an answer is read, and a timed-out attempt
 * is rightly sent again, which would blur the count of duplicates.
 */
async function withEndpoint(work: (t: TestGateway, receiver: WebhookReceiver, merchantId: string) => Promise<void>): Promise<void> {
  const t = await startTestGateway({ env: { ...FAST_WEBHOOKS, TENDER_WEBHOOK_TIMEOUT_MS: '10000' } });
  const receiver = await new WebhookReceiver().start();
  try {
    const m = await t.createMerchant();
    await new MerchantClient(t.gateway.app, m.key).post('/v1/webhook_endpoints', { url: receiver.url(), events: ['payment.captured'] }).expect(201);
    await work(t, receiver, m.id);
  } finally {
    await receiver.close();
    await t.close();
  }
}

describe('webhooks keep pace: concurrency per endpoint, recovery, leases', function () {
  this.timeout(180_000);

  it('sends many deliveries to one endpoint at once, each acknowledged once, none lost', () =>
    withEndpoint(async (t, receiver, merchantId) => {
      const m = { id: merchantId };
      // Each answer is held a moment, so deliveries sent together are seen together.
      receiver.delayMs = 50;
      const expected = await writeEvents(t, m.id, 200);
      t.gateway.startBackgroundJobs();
      await receiver.until(() => new Set(receiver.acknowledged()).size === 200, 'all 200 acknowledged', 90_000);
      await eventually(async () => (await statuses(t, m.id)).delivered === 200, 'every delivery recorded');
      assert.ok(receiver.maxInFlight >= 8, `one endpoint had ${receiver.maxInFlight} deliveries in flight at most; expected several`);
      const failed = await t.gateway
        .db('webhook_attempts')
        .whereIn('delivery_id', t.gateway.db('webhook_deliveries').select('id').where({ merchant_id: m.id }));
      const codes: Array<{ delivered_status_code: number | null }> = await t.gateway
        .db('webhook_deliveries')
        .select('delivered_status_code')
        .where({ merchant_id: m.id });
      assert.equal(failed.length, 0, 'no attempt failed (none timed out)');
      assert.deepEqual([...new Set(codes.map((a) => Number(a.delivered_status_code)))], [200], 'every delivering attempt answered 200');
      assert.equal(receiver.received.length, 200, 'no event sent twice');
      assert.deepEqual([...receiver.acknowledged()].sort(), [...expected].sort());
    }));

  it('an endpoint that was down gets its backed-off backlog as soon as it answers again, not at each backoff', async () => {
    // A 10-minute first backoff: without the pull-forward nothing would be retried within this test.
    // The production receiver timeout, as in withEndpoint: a late answer on a busy machine would back off ten minutes.
    const t = await startTestGateway({
      env: { ...FAST_WEBHOOKS, TENDER_WEBHOOK_TIMEOUT_MS: '10000', TENDER_WEBHOOK_RETRY_BASE_MS: '600000', TENDER_WEBHOOK_RETRY_MAX_MS: '600000' },
    });
    const probe = await new WebhookReceiver().start();
    const port = probe.port;
    await probe.close();
    let back: WebhookReceiver | undefined;
    try {
      const m = await t.createMerchant();
      const shop = new MerchantClient(t.gateway.app, m.key);
      await shop.post('/v1/webhook_endpoints', { url: `http://127.0.0.1:${port}/hooks`, events: ['*'] }).expect(201);
      const backlog = await writeEvents(t, m.id, 40);
      t.gateway.startBackgroundJobs();
      // Every delivery tried once while nobody listens, and put back ten minutes.
      await eventually(
        async () => {
          const rows: Array<{ attempt_count: number; locked_until: number | null }> = await t.gateway
            .db('webhook_deliveries')
            .where({ merchant_id: m.id, status: 'pending' });
          return rows.length === 40 && rows.every((r) => Number(r.attempt_count) === 1 && r.locked_until === null);
        },
        'all 40 deliveries failed once and backed off',
        90_000,
      );
      const endpoint = await t.gateway.db('webhook_endpoints').where({ merchant_id: m.id }).first();
      assert.notEqual(endpoint!.retrying_since, null, 'the endpoint is marked as having deliveries waiting for a retry');

      back = await new WebhookReceiver().start(port);
      // A new payment: its events go out at once, succeed, and pull the backlog forward.
      await shop.pay(CARDS.visa);
      const events: Array<{ id: string }> = await t.gateway.db('events').select('id').where({ merchant_id: m.id, livemode: false });
      const receiver = back;
      await receiver.until(() => new Set(receiver.acknowledged()).size === events.length, 'the backlog and the new events', 90_000);
      for (const id of backlog) assert.ok(receiver.acknowledged().includes(id), `backlog event ${id} delivered`);
      await eventually(async () => (await statuses(t, m.id)).delivered === events.length, 'every delivery recorded');
      assert.equal((await t.gateway.db('webhook_endpoints').where({ merchant_id: m.id }).first())!.retrying_since, null, 'the mark is cleared');
      assert.equal(receiver.concurrentDuplicates, 0);
    } finally {
      await back?.close();
      await t.close();
    }
  });

  it('a dispatcher that crashes mid-delivery leaves its claims to run out; every one is sent again, none lost', () =>
    withEndpoint(async (t, receiver, merchantId) => {
      const m = { id: merchantId };
      const expected = await writeEvents(t, m.id, 30);
      // "Process A" claims 20 with a short lease, then dies without recording anything.
      const queue = t.gateway.container.resolve(WebhookDeliveryQueue);
      const lost = await queue.claim({ now: Date.now(), limit: 20, leaseMs: 300 });
      assert.equal(lost.length, 20);
      assert.equal(new Set(lost.map((d) => d.id)).size, 20);
      // Nothing else may take them while the lease holds.
      const rest = await queue.claim({ now: Date.now(), limit: 50, leaseMs: 300 });
      assert.equal(rest.length, 10, 'only the unclaimed ten are due');
      assert.ok(rest.every((d) => !lost.some((l) => l.id === d.id)));
      t.gateway.startBackgroundJobs();
      await receiver.until(() => new Set(receiver.acknowledged()).size === 30, 'all 30 after the leases ran out', 90_000);
      await eventually(async () => (await statuses(t, m.id)).delivered === 30, 'every delivery recorded');
      const rows: Array<{ id: string; attempt_count: number }> = await t.gateway.db('webhook_deliveries').where({ merchant_id: m.id });
      for (const d of [...lost, ...rest]) assert.equal(Number(rows.find((r) => r.id === d.id)?.attempt_count), 2, 'the crashed claim counts as an attempt');
      assert.deepEqual([...new Set(receiver.acknowledged())].sort(), [...expected].sort());
      // A late answer from the dead process cannot overwrite the newer attempt.
      const late = lost[0];
      const applied = await t.gateway.db.transaction((trx) =>
        queue.settle(
          trx,
          late,
          { startedAt: Date.now(), statusCode: 500, latencyMs: 1, excerpt: null, error: null },
          { status: 'pending', nextAttemptAt: Date.now() },
          Date.now(),
        ),
      );
      assert.equal(applied, false);
    }));
});

describe('webhooks: claims by three dispatchers on one MySQL/MariaDB database are disjoint', function () {
  this.timeout(90_000);
  let t: TestGateway | undefined;
  const others: Gateway[] = [];

  before(function () {
    // SQLite runs one process by design: there is no second claimer to race.
    if (testDatabaseUrl() === undefined) this.skip();
  });
  after(async () => {
    for (const g of others) await g.close();
    await t?.close();
  });

  it('three processes claiming the same due rows at once never get the same one', async () => {
    t = await startTestGateway({ env: FAST_WEBHOOKS });
    for (let i = 0; i < 2; i++) others.push(await Gateway.create(t.gateway.config, { plugins: [sandboxPlugin] }));
    const m = await t.createMerchant();
    const shop = new MerchantClient(t.gateway.app, m.key);
    await shop.post('/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/hooks', events: ['payment.captured'] }).expect(201);
    await writeEvents(t, m.id, 600);
    const queues = [t.gateway, ...others].map((g) => g.container.resolve(WebhookDeliveryQueue));
    const claimed: string[] = [];
    // Rounds of simultaneous claims until nothing is due (leases long enough to outlast the test).
    for (let round = 0; round < 200; round++) {
      const batches = await Promise.all(queues.map((q) => q.claim({ now: Date.now(), limit: 16, leaseMs: 600_000 })));
      const got = batches.flat();
      if (got.length === 0) break;
      claimed.push(...got.map((d) => d.id));
    }
    assert.equal(claimed.length, 600, 'every delivery claimed');
    assert.equal(new Set(claimed).size, 600, 'no delivery claimed by two processes');
  });
});
