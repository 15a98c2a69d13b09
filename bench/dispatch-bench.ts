import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import { EventOutbox, Gateway, WebhookDispatcher, loadConfig } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { BenchDatabase } from './bench-database';
import { createMerchant, newGatewaySecrets } from './gateway-process';
import { createEndpoint } from './webhook-drain';

/** A gateway in this process whose webhook dispatcher is driven by hand, with one merchant and one endpoint. */
export interface DispatchBench {
  readonly gateway: Gateway;
  readonly dispatcher: WebhookDispatcher;
  readonly merchantId: string;
  /** Writes `count` payment.captured events of the merchant in one transaction (`data` as given). */
  readonly write: (count: number, tag: string, data?: Record<string, unknown>) => Promise<void>;
}

/**
 * Runs `work` against a fresh MariaDB database and a gateway in this process (no
 * background dispatcher, private targets allowed), with one merchant whose one
 * endpoint, subscribed to every event, is `receiverUrl`; then drops it all. The
 * webhook tools (webhook-statements.ts, webhook-dispatch-cpu.ts) measure the
 * dispatcher on it.
 *
 * @example
 * ```ts
 * await withDispatchBench('webhook_statements', receiver.url, async ({ write, dispatcher }) => {
 *   await write(32, 'a');
 *   await dispatcher.runOnce();
 * });
 * ```
 */
export async function withDispatchBench(label: string, receiverUrl: string, work: (bench: DispatchBench) => Promise<void>): Promise<void> {
  const database = await BenchDatabase.create(process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306', label);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tender-${label}-`));
  const secrets = newGatewaySecrets();
  const config = loadConfig({
    TENDER_LOG_LEVEL: 'warn',
    TENDER_DEMO_MERCHANT: 'false',
    TENDER_RECONCILE_INTERVAL_MS: '0',
    TENDER_WEBHOOK_DISPATCHER: 'false',
    DATABASE_URL: database.url,
    TENDER_DATA_DIR: dataDir,
    TENDER_MASTER_KEY: secrets.masterKey,
    TENDER_ADMIN_TOKEN: secrets.adminToken,
    TENDER_OUTBOUND_ALLOW_PRIVATE: 'true',
  });
  const gateway = await Gateway.create(config, { plugins: [sandboxPlugin] });
  try {
    const address: AddressInfo = await gateway.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${address.port}`;
    const merchant = await createMerchant(url, secrets);
    await createEndpoint(url, merchant.secretKey, receiverUrl);
    const outbox = gateway.container.resolve(EventOutbox);
    await work({
      gateway,
      dispatcher: gateway.container.resolve(WebhookDispatcher),
      merchantId: merchant.merchantId,
      write: (count, tag, data) =>
        gateway.db.transaction(async (trx) => {
          for (let i = 0; i < count; i++)
            await outbox.record(trx, {
              merchantId: merchant.merchantId,
              livemode: false,
              type: 'payment.captured',
              objectType: 'payment',
              objectId: `pay_${tag}${i}`,
              data: data ?? { i },
            });
        }),
    });
  } finally {
    await gateway.close();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
