import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { BankResult, RefundRequest, definePlugin } from '@tender/core';
import { SandboxBankAdapter } from '@tender/adapter-sandbox';
import { WebhookDeliveryQueue } from '@tender/core/dist/notifications/webhooks/webhook-delivery-queue';
import { startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { FAST_WEBHOOKS, WebhookReceiver, eventually } from '../support/webhook-receiver';

describe('notifications: recovery', function () {
  this.timeout(30_000);

  it('a dispatcher that dies after claiming (and maybe sending) leaves the delivery to be sent once more when its lease ends, never lost', async () => {
    const t = await startTestGateway({ env: FAST_WEBHOOKS });
    const receiver = await new WebhookReceiver().start();
    try {
      const shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
      const endpoint = (await shop.post('/v1/webhook_endpoints', { url: receiver.url(), events: ['payment.captured'] }).expect(201)).body;
      await shop.pay(CARDS.visa);
      // "Process A": claims the delivery with a short lease, then crashes before recording anything.
      const queue = t.gateway.container.resolve(WebhookDeliveryQueue);
      const [lost] = await queue.claim({ now: Date.now(), limit: 10, leaseMs: 150, orderHoldMs: 3600_000 });
      assert.ok(lost !== undefined);
      assert.equal(lost.attempt, 1);

      t.gateway.startBackgroundJobs();
      await receiver.until(() => receiver.acknowledged().length === 1, 'the delivery after the lease ran out');
      const db = t.gateway.db;
      await eventually(async () => (await db('webhook_deliveries').where({ id: lost.id }).first())!.status === 'delivered', 'delivered recorded');
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
      assert.equal(endpoint.id, row!.endpoint_id);
    } finally {
      await receiver.close();
      await t.close();
    }
  });

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
