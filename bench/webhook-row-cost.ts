import mysql from 'mysql2/promise';
import { BenchDatabase } from './bench-database';
import { processCpuSeconds } from './server-process';

/** Deliveries written per batch (a dispatcher's group commit carries about this many at the payment rate). */
const BATCH = Number(process.env.WEBHOOK_ROW_BATCH ?? '8');
/** Batches per variant and round. */
const BATCHES = Number(process.env.WEBHOOK_ROW_BATCHES ?? '3000');
const ROUNDS = 3;

type Variant =
  | 'before 050: claimed insert, attempt row, update'
  | 'now: claimed insert, update carrying the attempt'
  | 'not taken: one insert, delivered'
  | 'not taken, whole: one insert, the event updated again';

/**
 * `node bench/dist/webhook-row-cost.js`: MariaDB's CPU per webhook delivery for the
 * rows a delivery costs it, on the gateway's own schema (its migrations), in four
 * ways, alternating in rounds on one server. Each starts from events the payment wrote
 * (outside the measurement) and counts the fan-out's transaction, which takes them
 * (`UPDATE events SET fanout`), and the group commit after the send:
 * 1. as before migration 050: the fan-out inserts the delivery claimed; the group
 *    commit inserts into `webhook_attempts` and updates the delivery to `delivered`;
 * 2. as now: the same insert, then one `UPDATE` to `delivered` that carries the attempt
 *    (`delivered_*`, one `CASE id` per column);
 * 3. a cut not taken, as first estimated: the fan-out only takes the events, and the
 *    delivery is inserted once, already delivered, after its send. A crash between the
 *    send and that insert would lose the delivery, so it is not safe as it stands;
 * 4. that cut made safe: the fan-out marks the events in flight (`fanout` = minus a
 *    lease end, in the same index, so a crashed dispatcher's events are found again
 *    by a range read), and the group commit updates them a second time, to the token.
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
        'not taken, whole: one insert, the event updated again',
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
    // The events are the payment's writes, not the delivery's: outside the measurement.
    const seqs = await insertEvents(c, ids, now);
    const inSeqs = `seq IN (${seqs.map(() => '?').join(', ')})`;
    const before = processCpuSeconds(pid) ?? 0;
    // The fan-out's transaction: the events taken (to their token, or for the whole cut in flight until a lease
    // end), with the deliveries inserted claimed unless the delivery is written after its send.
    const writeOnce = variant === 'not taken: one insert, delivered' || variant === 'not taken, whole: one insert, the event updated again';
    const inFlight = variant === 'not taken, whole: one insert, the event updated again';
    await c.query('BEGIN');
    await c.query(`UPDATE events SET fanout = ? WHERE ${inSeqs} AND fanout = 0`, [inFlight ? -(now + 15_000) : now, ...seqs]);
    if (!writeOnce) await insertDeliveries(c, ids, now, false);
    await c.query('COMMIT');
    // After the send: the group commit.
    await c.query('BEGIN');
    if (writeOnce) {
      await insertDeliveries(c, ids, now, true);
      if (inFlight) await c.query(`UPDATE events SET fanout = ? WHERE ${inSeqs} AND fanout = ?`, [now, ...seqs, -(now + 15_000)]);
    } else if (variant === 'before 050: claimed insert, attempt row, update') {
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

/** The batch's events as the payment wrote them, waiting for the fan-out (`fanout = 0`); returns their `seq`. */
async function insertEvents(c: mysql.Connection, ids: readonly string[], now: number): Promise<number[]> {
  const rows = ids.map((id) => [`evt_${id}`, 'mer_bench', 1, 'payment.captured', 'payment', 'pay_bench', '{"object":{}}', now, 0]);
  await c.query(
    `INSERT INTO events (id, merchant_id, livemode, type, object_type, object_id, data, created_at, fanout) VALUES ${rows.map((r) => `(${r.map(() => '?').join(', ')})`).join(', ')}`,
    rows.flat(),
  );
  // By `seq`, as the fan-out updates them.
  const [found] = await c.query(
    `SELECT seq FROM events WHERE id IN (${ids.map(() => '?').join(', ')})`,
    ids.map((id) => `evt_${id}`),
  );
  return (found as Array<{ seq: number }>).map((r) => Number(r.seq));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
