import { withDispatchBench } from './dispatch-bench';
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
  const receiver = await BenchWebhookReceiver.start();
  try {
    // The dispatcher is driven by hand below, one batch at a time; the receiver is on loopback.
    await withDispatchBench('webhook_statements', receiver.url, async ({ gateway, dispatcher, merchantId, write }) => {
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
          merchant_id: merchantId,
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
    });
  } finally {
    await receiver.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
