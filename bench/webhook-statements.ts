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
import { BenchWebhookReceiver } from './webhook-receiver';

/** Events written before the dispatcher runs: one claim's worth (the dispatcher's batch). */
const EVENTS = Number(process.env.WEBHOOK_STATEMENTS_EVENTS ?? '32');

/**
 * `node bench/dist/webhook-statements.js`: the SQL the webhook dispatcher sends to
 * MariaDB to deliver a batch of fresh events (one merchant, one endpoint at a
 * receiver on loopback that answers at once), in order, with the transaction of each
 * statement, and the totals per delivery. Then EXPLAIN of the claim's two
 * statements on a queue of due deliveries, to show they are index range reads.
 *
 * @example
 * ```sh
 * npm run build && WEBHOOK_STATEMENTS_EVENTS=32 node bench/dist/webhook-statements.js
 * ```
 */
async function main(): Promise<void> {
  const serverUrl = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
  const database = await BenchDatabase.create(serverUrl, 'webhook_statements');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-webhook-statements-'));
  const secrets = newGatewaySecrets();
  // The dispatcher is driven by hand below, one batch at a time; the receiver is on loopback.
  const quiet = { TENDER_LOG_LEVEL: 'warn', TENDER_DEMO_MERCHANT: 'false', TENDER_RECONCILE_INTERVAL_MS: '0', TENDER_WEBHOOK_DISPATCHER: 'false' };
  const config = loadConfig({
    ...quiet,
    DATABASE_URL: database.url,
    TENDER_DATA_DIR: dataDir,
    TENDER_MASTER_KEY: secrets.masterKey,
    TENDER_ADMIN_TOKEN: secrets.adminToken,
    TENDER_OUTBOUND_ALLOW_PRIVATE: 'true',
  });
  const gateway = await Gateway.create(config, { plugins: [sandboxPlugin] });
  const receiver = await BenchWebhookReceiver.start();
  try {
    const address: AddressInfo = await gateway.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${address.port}`;
    const merchant = await createMerchant(url, secrets);
    await createEndpoint(url, merchant.secretKey, receiver.url);
    const dispatcher = gateway.container.resolve(WebhookDispatcher);
    const outbox = gateway.container.resolve(EventOutbox);
    const write = async (count: number, tag: string): Promise<void> => {
      await gateway.db.transaction(async (trx) => {
        for (let i = 0; i < count; i++)
          await outbox.record(trx, {
            merchantId: merchant.merchantId,
            livemode: false,
            type: 'payment.captured',
            objectType: 'payment',
            objectId: `pay_${tag}${i}`,
            data: { i },
          });
      });
    };
    // A first batch warms the pool, the caches and the kept connection.
    await write(EVENTS, 'warm');
    while ((await dispatcher.runOnce()) > 0);

    await write(EVENTS, 'measured');
    const lines: string[] = [];
    const listener = (q: { sql: string; __knexTxId?: string }): void => {
      // Other background jobs (the breaker refresh) share the pool: only the dispatcher's tables count.
      if (!/`(events|webhook_[a-z]+)`/.test(q.sql) && !/^(BEGIN|COMMIT|ROLLBACK)/i.test(q.sql.trim())) return;
      lines.push(`${q.__knexTxId === undefined ? 'auto' : q.__knexTxId.replace(/^trx/, 'tx')}\t${q.sql.replace(/\s+/g, ' ').slice(0, 160)}`);
    };
    gateway.db.on('query', listener);
    let delivered = 0;
    let sent: number;
    while ((sent = await dispatcher.runOnce()) > 0) delivered += sent;
    gateway.db.off('query', listener);
    console.log(lines.join('\n'));
    const statements = lines.filter((l) => !/\t(BEGIN|COMMIT|ROLLBACK);?/i.test(l));
    const count = (re: RegExp): number => statements.filter((l) => re.test(l.split('\t')[1] ?? '')).length;
    const transactions = new Set(statements.map((l) => l.split('\t')[0]).filter((t) => t !== 'auto')).size;
    console.log(
      `\n${delivered} deliveries: ${statements.length} statements (${count(/^select/i)} SELECT, ${count(/^insert/i)} INSERT, ${count(/^update/i)} UPDATE) besides BEGIN/COMMIT, ${transactions} transactions; ${(statements.length / Math.max(delivered, 1)).toFixed(2)} statements per delivery`,
    );

    // Due deliveries, so the optimizer plans the claim on a queue that has some.
    await write(500, 'due');
    await gateway.db('events').where('fanout', 0).update({ fanout: 1 });
    const [endpoint] = await gateway.db('webhook_endpoints').select('id');
    const now = Date.now();
    const due = await gateway.db('events').select('id').where('type', 'payment.captured').limit(500);
    await gateway.db('webhook_deliveries').insert(
      due.map((e: { id: string }, i: number) => ({
        id: `whd_explain${i}`,
        endpoint_id: String(endpoint.id),
        event_id: e.id,
        merchant_id: merchant.merchantId,
        livemode: false,
        status: 'pending',
        attempt_count: 0,
        next_attempt_at: now - i,
        created_at: now,
        updated_at: now,
      })),
    );
    await gateway.db.raw('ANALYZE TABLE webhook_deliveries');
    const explain = async (sql: string, bindings: readonly number[]): Promise<void> => {
      const [rows] = (await gateway.db.raw(`EXPLAIN ${sql}`, bindings)) as [Array<Record<string, unknown>>];
      console.log(`\nEXPLAIN ${sql}`);
      for (const r of rows)
        console.log(`  table ${String(r.table)}, type ${String(r.type)}, key ${String(r.key)}, rows ${String(r.rows)}, extra ${String(r.Extra)}`);
    };
    await explain("select seq from webhook_deliveries where status = 'pending' and next_attempt_at <= ? order by next_attempt_at asc limit 96", [now]);
    await explain(
      "update webhook_deliveries set attempt_count = attempt_count + 1, next_attempt_at = ?, lease_token = 'x' where seq in (1, 2, 3, 4, 5, 6, 7, 8) and status = 'pending' and next_attempt_at <= ?",
      [now + 15_000, now],
    );
    await explain('select seq from events where fanout = 0 order by seq asc limit 200', []);
  } finally {
    await receiver.close();
    await gateway.close();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
