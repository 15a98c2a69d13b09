import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { BankResult, RefundRequest, definePlugin } from '@tender/core';
import { SandboxBankAdapter } from '@tender/adapter-sandbox';
import { ClaimedDelivery, WebhookDeliveryQueue } from '@tender/core/dist/notifications/webhooks/webhook-delivery-queue';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { FAST_WEBHOOKS, WebhookReceiver, eventually } from '../support/webhook-receiver';

describe('notifications: recovery', function () {
  this.timeout(30_000);

  /**
   * "Process A" claims the one delivery of a payment with a short lease and crashes before recording anything;
   * the gateway's own dispatcher sends it again when the lease runs out. `check` runs once that is recorded.
   */
  async function afterALostClaim(
    check: (s: { t: TestGateway; shop: MerchantClient; endpointId: string; queue: WebhookDeliveryQueue; lost: ClaimedDelivery }) => Promise<void>,
  ): Promise<void> {
    const t = await startTestGateway({ env: FAST_WEBHOOKS });
    const receiver = await new WebhookReceiver().start();
    try {
      const shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
      const endpoint = (await shop.post('/v1/webhook_endpoints', { url: receiver.url(), events: ['payment.captured'] }).expect(201)).body;
      await shop.pay(CARDS.visa);
      const queue = t.gateway.container.resolve(WebhookDeliveryQueue);
      const [lost] = await queue.claim({ now: Date.now(), limit: 10, leaseMs: 150 });
      assert.ok(lost !== undefined);
      assert.equal(lost.attempt, 1);
      t.gateway.startBackgroundJobs();
      await receiver.until(() => receiver.acknowledged().length === 1, 'the delivery after the lease ran out');
      await eventually(async () => (await t.gateway.db('webhook_deliveries').where({ id: lost.id }).first())!.status === 'delivered', 'delivered recorded');
      await check({ t, shop, endpointId: String(endpoint.id), queue, lost });
    } finally {
      await receiver.close();
      await t.close();
    }
  }

  it('a dispatcher that dies after claiming (and maybe sending) leaves the delivery to be sent once more when its lease ends, never lost', () =>
    afterALostClaim(async ({ t, endpointId, queue, lost }) => {
      const db = t.gateway.db;
      const row = await db('webhook_deliveries').where({ id: lost.id }).first();
      assert.equal(Number(row!.attempt_count), 2, 'the second claim is a new attempt');
      // A late answer from the crashed process cannot overwrite the newer attempt.
      const applied = await db.transaction((trx) =>
        queue.settle(
          trx,
          lost,
          { startedAt: Date.now(), statusCode: 500, latencyMs: 1, excerpt: null, error: null },
          { status: 'pending', nextAttemptAt: Date.now() },
          Date.now(),
        ),
      );
      assert.equal(applied, false);
      assert.equal((await db('webhook_deliveries').where({ id: lost.id }).first())!.status, 'delivered');
      assert.equal(endpointId, row!.endpoint_id);
    }));

  it("a crashed dispatcher's late success is kept in the log, beside the attempt that recorded the delivery", () =>
    afterALostClaim(async ({ t, shop, endpointId, queue, lost }) => {
      const db = t.gateway.db;
      // The delivering attempt (2) is on the delivery row, not a webhook_attempts row.
      const row = (await db('webhook_deliveries').where({ id: lost.id }).first())!;
      assert.equal(Number(row.attempt_count), 2);
      assert.equal(Number(row.delivered_status_code), 200);
      assert.equal((await db('webhook_attempts').where({ delivery_id: lost.id })).length, 0);
      // Process A's answer comes back late: a 200 too. Its lease is gone, so the row is not its to write,
      // and its attempt is kept as a webhook_attempts row instead of being dropped.
      const late = Date.now();
      const applied = await db.transaction((trx) =>
        queue.settleAll(
          trx,
          [{ delivery: lost, attempt: { startedAt: late, statusCode: 200, latencyMs: 3, excerpt: 'late', error: null }, next: { status: 'delivered' } }],
          Date.now(),
        ),
      );
      assert.equal(applied.size, 0);
      const after = (await db('webhook_deliveries').where({ id: lost.id }).first())!;
      assert.equal(Number(after.attempt_count), 2);
      assert.equal(Number(after.delivered_started_at), Number(row.delivered_started_at), 'the recorded delivery stays as it was');
      const log = (await shop.get(`/v1/webhook_endpoints/${endpointId}/deliveries`).expect(200)).body;
      assert.deepEqual(
        log.data[0].attempts.map((a: { attempt: number; status_code: number; response_excerpt: string | null }) => [
          a.attempt,
          a.status_code,
          a.response_excerpt,
        ]),
        [
          [2, 200, row.delivered_excerpt],
          [1, 200, 'late'],
        ],
      );
    }));

  it('tells the merchant by e-mail when the bank refuses a refund', async () => {
    class RefusingBank extends SandboxBankAdapter {
      override async refund(_request: RefundRequest): Promise<BankResult> {
        return { kind: 'declined', reason: 'do_not_honor', rawCode: '05', message: 'Refund refused by the issuer.' };
      }
    }
    const plugin = definePlugin({ name: 'refusing-sandbox', version: '0.0.0', coreRange: '*', setup: (ctx) => ctx.registerBankAdapter(new RefusingBank()) });
    const t = await startTestGateway({ plugins: [plugin], env: { TENDER_NOTIFY_POLL_MS: '20' } });
    try {
      t.gateway.startBackgroundJobs();
      const shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Refund Shop')).key);
      const p = await shop.pay(CARDS.visa);
      // The API answers the decline itself; the notice is what this test is about.
      await shop.post('/v1/refunds', { payment_id: p.id, amount: 5000 });
      const dir = path.join(t.dataDir, 'mail');
      await eventually(async () => fs.existsSync(dir) && fs.readdirSync(dir).length === 1, 'the notice as an .eml file');
      const mail = await simpleParser(fs.readFileSync(path.join(dir, fs.readdirSync(dir)[0])));
      assert.equal((mail.to as { text: string }).text, 'shop@example.com');
      assert.equal(mail.subject, 'A refund of RUB\u00a050.00 failed');
      assert.ok((mail.text ?? '').includes(p.id));
      const event = (await shop.get(`/v1/events?type=refund.failed`).expect(200)).body.data[0];
      assert.equal(event.data.object.status, 'failed');
    } finally {
      await t.close();
    }
  });
});
