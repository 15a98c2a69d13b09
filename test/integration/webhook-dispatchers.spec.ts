import assert from 'node:assert/strict';
import { EventOutbox, Gateway } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';
import { FAST_WEBHOOKS, WebhookReceiver, eventually } from '../support/webhook-receiver';
import { testDatabaseUrl } from '../support/test-database';

const TYPES = ['payment.created', 'payment.processing', 'payment.authorized', 'payment.captured'];

describe('webhooks: three dispatcher processes on one MySQL/MariaDB database', function () {
  this.timeout(180_000);
  let t: TestGateway | undefined;
  const others: Gateway[] = [];
  const receiver = new WebhookReceiver();

  before(function () {
    // SQLite is one process by design (one connection, no SKIP LOCKED): nothing to race.
    if (testDatabaseUrl() === undefined) this.skip();
  });
  after(async () => {
    await receiver.close();
    for (const g of others) await g.close();
    await t?.close();
  });

  it('deliver 1,000 events with disjoint claims: no event sent twice, none lost', async () => {
    // The production receiver timeout: three dispatchers and the receiver share one
    // event loop here, and on a busy machine an answer can take longer than 1 s; a
    // timed-out attempt is rightly sent again, which is not what this test counts.
    t = await startTestGateway({ env: { ...FAST_WEBHOOKS, TENDER_WEBHOOK_TIMEOUT_MS: '10000' } });
    await receiver.start();
    const m = await t.createMerchant();
    const shop = new MerchantClient(t.gateway.app, m.key);
    // Four endpoints, one per event type, so both dispatchers have parallel work.
    for (const type of TYPES) await shop.post('/v1/webhook_endpoints', { url: receiver.url(`/${type}`), events: [type] }).expect(201);
    const outbox = t.gateway.container.resolve(EventOutbox);
    const expected: string[] = [];
    for (let chunk = 0; chunk < 10; chunk++) {
      await t.gateway.db.transaction(async (trx) => {
        for (let i = 0; i < 100; i++) {
          const n = chunk * 100 + i;
          expected.push(
            await outbox.record(trx, {
              merchantId: m.id,
              livemode: false,
              type: TYPES[n % 4],
              objectType: 'payment',
              objectId: `pay_synthetic${n}`,
              data: { n },
            }),
          );
        }
      });
    }
    for (let i = 0; i < 2; i++) others.push(await Gateway.create(t.gateway.config, { plugins: [sandboxPlugin] }));
    t.gateway.startBackgroundJobs();
    for (const g of others) g.startBackgroundJobs();
    await receiver.until(() => new Set(receiver.acknowledged()).size === 1000, 'all 1,000 events acknowledged', 150_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(receiver.concurrentDuplicates, 0, 'an attempt was made twice at once');
    assert.equal(receiver.received.length, 1000, 'every event exactly once');
    assert.deepEqual([...receiver.acknowledged()].sort(), [...expected].sort());
    const db = t.gateway.db;
    await eventually(async () => (await db('webhook_deliveries').where({ merchant_id: m.id, status: 'delivered' })).length === 1000, 'every delivery recorded');
    const rows = await db('webhook_deliveries').where({ merchant_id: m.id });
    assert.equal(rows.length, 1000);
    assert.ok(rows.every((r: { status: string; attempt_count: number }) => r.status === 'delivered' && r.attempt_count === 1));
    // Disjoint claims: one attempt per delivery, none made twice by two processes. A delivering attempt is
    // recorded on its row; a second send of the same delivery would have left a webhook_attempts row.
    assert.ok(
      rows.every((r: { delivered_status_code: number | null }) => Number(r.delivered_status_code) === 200),
      'every attempt answered 200',
    );
    const attempts = await db('webhook_attempts').whereIn(
      'delivery_id',
      rows.map((r: { id: string }) => r.id),
    );
    assert.equal(attempts.length, 0, 'one attempt per delivery');
  });
});
