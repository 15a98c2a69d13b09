import mysql from 'mysql2/promise';
import { BenchDatabase } from './bench-database';
import { processCpuSeconds } from './server-process';

/** Deliveries written per batch (a dispatcher's group commit carries about this many at the payment rate). */
const BATCH = Number(process.env.WEBHOOK_ROW_BATCH ?? '8');
/** Batches per variant and round. */
const BATCHES = Number(process.env.WEBHOOK_ROW_BATCHES ?? '3000');
const ROUNDS = 3;

type Variant = 'before 050: claimed insert, attempt row, update' | 'now: claimed insert, update carrying the attempt' | 'not taken: one insert, delivered';

/**
 * `node bench/dist/webhook-row-cost.js`: MariaDB's CPU per webhook delivery for the
 * rows a delivery costs it, on the gateway's own schema (its migrations), in three
 * ways, alternating in rounds on one server:
 * 1. as before migration 050: the fan-out's insert of the delivery claimed, then in the
 *    group commit an `INSERT` into `webhook_attempts` and the `UPDATE` to `delivered`;
 * 2. as now: the same insert, then one `UPDATE` to `delivered` that carries the attempt
 *    (`delivered_*`, one `CASE id` per column);
 * 3. the cut not taken: the delivery inserted once, already delivered, after its send.
 * The statements mirror WebhookFanout's and WebhookDeliveryQueue.settleAll's
 * (`node bench/dist/webhook-statements.js` logs the real ones). CPU is the server
 * process's (`/proc/<pid>/stat`), so MariaDB must run on this machine. The gateway's
 * own CPU is not part of it.
 *
 * @example
 * ```sh
 * npm run build && WEBHOOK_ROW_BATCH=8 node bench/dist/webhook-row-cost.js
 * ```
 */
async function main(): Promise<void> {
  const database = await BenchDatabase.create(process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306', 'webhook_rows');
  try {
    await database.migrate();
    const pid = await database.serverPid();
    if (pid === undefined) throw new Error('MariaDB does not run on this machine: its CPU cannot be read');
    const connection = await mysql.createConnection(database.url);
    try {
      const results = new Map<Variant, number[]>();
      const variants: Variant[] = [
        'before 050: claimed insert, attempt row, update',
        'now: claimed insert, update carrying the attempt',
        'not taken: one insert, delivered',
      ];
      for (let round = 0; round < ROUNDS; round++) {
        for (const variant of variants) {
          const ms = await measure(connection, pid, variant, `r${round}`);
          results.set(variant, [...(results.get(variant) ?? []), ms]);
        }
      }
      const baseline = median(results.get(variants[0]) ?? []);
      console.log(`MariaDB CPU per delivery, batches of ${BATCH}, ${BATCHES} batches per variant and round, ${ROUNDS} rounds:`);
      for (const variant of variants) {
        const runs = results.get(variant) ?? [];
        const m = median(runs);
        console.log(
          `  ${variant.padEnd(52)} ${m.toFixed(4)} ms (runs ${runs.map((r) => r.toFixed(4)).join(', ')}), ${((m / baseline) * 100).toFixed(0)} % of the first`,
        );
      }
    } finally {
      await connection.end();
    }
  } finally {
    await database.drop();
  }
}

/** MariaDB's CPU milliseconds per delivery for one variant, over BATCHES batches. */
async function measure(c: mysql.Connection, pid: number, variant: Variant, tag: string): Promise<number> {
  let cpuMs = 0;
  for (let b = 0; b < BATCHES; b++) {
    const now = Date.now();
    const ids = Array.from({ length: BATCH }, (_, k) => `whd_${tag}${variant.length}x${b}x${k}`);
    const before = processCpuSeconds(pid) ?? 0;
    if (variant === 'not taken: one insert, delivered') {
      await insertDeliveries(c, ids, now, true);
    } else {
      await insertDeliveries(c, ids, now, false);
      await c.query('BEGIN');
      if (variant === 'before 050: claimed insert, attempt row, update') {
        await c.query(
          `INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status_code, latency_ms, response_excerpt, error) VALUES ${ids.map(() => '(?, 1, ?, 200, ?, ?, NULL)').join(', ')}`,
          ids.flatMap((id, k) => [id, now + k, k, '']),
        );
        await c.query(
          `UPDATE webhook_deliveries SET status = 'delivered', delivered_at = ?, locked_until = NULL, lease_token = NULL, updated_at = ? WHERE id IN (${ids.map(() => '?').join(', ')}) AND lease_token IN (?) AND status = 'pending'`,
          [now, now, ...ids, 'lease'],
        );
      } else {
        const byId = `CASE id ${ids.map(() => 'WHEN ? THEN ?').join(' ')} END`;
        const values = (value: (k: number) => number | string): Array<number | string> => ids.flatMap((id, k) => [id, value(k)]);
        await c.query(
          `UPDATE webhook_deliveries SET status = 'delivered', delivered_at = ?, locked_until = NULL, lease_token = NULL, updated_at = ?, delivered_started_at = ${byId}, delivered_status_code = ${byId}, delivered_latency_ms = ${byId}, delivered_excerpt = ${byId} WHERE id IN (${ids.map(() => '?').join(', ')}) AND lease_token IN (?) AND status = 'pending'`,
          [now, now, ...values((k) => now + k), ...values(() => 200), ...values((k) => k), ...values(() => ''), ...ids, 'lease'],
        );
      }
      await c.query('COMMIT');
    }
    cpuMs += ((processCpuSeconds(pid) ?? 0) - before) * 1000;
  }
  return cpuMs / (BATCHES * BATCH);
}

/** The fan-out's insert: claimed (pending, leased) or, for the cut not taken, delivered with its attempt. */
async function insertDeliveries(c: mysql.Connection, ids: readonly string[], now: number, delivered: boolean): Promise<void> {
  const columns =
    'id, endpoint_id, event_id, merchant_id, livemode, status, attempt_count, next_attempt_at, locked_until, first_attempt_at, created_at, updated_at, lease_token, delivered_at, delivered_started_at, delivered_status_code, delivered_latency_ms, delivered_excerpt';
  const rows = ids.map((id, k) =>
    delivered
      ? [id, 'we_bench', `evt_${id}`, 'mer_bench', 1, 'delivered', 1, now, null, now, now, now, null, now, now + k, 200, k, '']
      : [id, 'we_bench', `evt_${id}`, 'mer_bench', 1, 'pending', 1, now + 15_000, now + 15_000, now, now, now, 'lease', null, null, null, null, null],
  );
  await c.query(`INSERT INTO webhook_deliveries (${columns}) VALUES ${rows.map((r) => `(${r.map(() => '?').join(', ')})`).join(', ')}`, rows.flat());
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
