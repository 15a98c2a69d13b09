import assert from 'node:assert/strict';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { FAST_WEBHOOKS, WebhookReceiver } from '../support/webhook-receiver';

const MAIN = path.join(__dirname, '..', '..', '..', 'core', 'dist', 'main.js');

describe('tender worker: dispatching apart from the serving process', function () {
  this.timeout(40_000);

  it('a gateway with TENDER_WEBHOOK_DISPATCHER=false sends nothing; a `tender worker` process delivers', async () => {
    const t = await startTestGateway({ env: { ...FAST_WEBHOOKS, TENDER_WEBHOOK_DISPATCHER: 'false' } });
    const receiver = await new WebhookReceiver().start();
    try {
      t.gateway.startBackgroundJobs();
      const shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
      await shop.post('/v1/webhook_endpoints', { url: receiver.url(), events: ['payment.captured'] }).expect(201);
      await shop.pay(CARDS.visa);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(receiver.received.length, 0, 'the serving process dispatched');

      const db = t.database.config;
      const child = spawn(process.execPath, [MAIN, 'worker'], {
        env: {
          PATH: process.env.PATH ?? '',
          ...FAST_WEBHOOKS,
          TENDER_WEBHOOK_DISPATCHER: 'false',
          DATABASE_URL: db.client === 'sqlite' ? `sqlite:${db.filename}` : db.url,
          TENDER_DATA_DIR: t.dataDir,
          TENDER_MASTER_KEY: t.gateway.config.masterKey ?? '',
          TENDER_ADMIN_TOKEN: t.gateway.config.adminToken ?? '',
          TENDER_PUBLIC_URL: t.gateway.config.publicUrl,
          TENDER_RECONCILE_INTERVAL_MS: '0',
          TENDER_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
      try {
        await receiver.until(() => receiver.acknowledged().length === 1, `the worker's delivery (worker output: ${out})`);
        assert.match(out, /Tender worker running/);
      } finally {
        child.kill('SIGTERM');
        const [code] = await once(child, 'exit');
        assert.equal(code, 0, out);
      }
    } finally {
      await receiver.close();
      await t.close();
    }
  });
});
