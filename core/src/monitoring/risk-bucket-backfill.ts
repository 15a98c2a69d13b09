import { Knex } from 'knex';
import { isMysql } from '../db/database';
import { BUCKET_MS, bucketOf, keyHashOf } from './risk-buckets';

/** Longest window a rule may set (30 days): older attempts are never counted, so never backfilled. */
export const BACKFILL_MS = 30 * 86_400_000;
/** The card_testing rule's default small_amount: what backfilled attempts count as small (docs/risk.md). */
const BACKFILL_SMALL_AMOUNT = 500;

/**
 * Builds `risk_key_buckets` from the last 30 days of `risk_assessments` (grouped in
 * SQL: one row per key, minute, currency and, for an IP, card), into an empty bucket
 * table: migration 042 runs it once, and the risk benchmarks after filling a history.
 *
 * @example
 * ```ts
 * await backfillRiskBuckets(knex, Date.now());
 * ```
 */
export async function backfillRiskBuckets(knex: Knex, now: number): Promise<void> {
  const since = bucketOf(now - BACKFILL_MS);
  const scopes: Array<{ merchant_id: string; livemode: unknown }> = await knex('risk_assessments').distinct('merchant_id', 'livemode');
  for (const scope of scopes) {
    const where = { merchant_id: scope.merchant_id, livemode: scope.livemode };
    // Chunks of about CHUNK_ROWS attempts, cut on minute boundaries, through the index
    // (merchant_id, livemode, created_at): small groups in memory, whatever the history.
    for (let from = since; from <= now;) {
      const edge = await knex('risk_assessments')
        .select('created_at')
        .where(where)
        .andWhere('created_at', '>=', from)
        .orderBy('created_at')
        .offset(CHUNK_ROWS)
        .limit(1)
        .first();
      const until = edge === undefined ? now + BUCKET_MS : Math.max(bucketOf(Number(edge.created_at)), from + BUCKET_MS);
      await backfillRange(knex, where, from, until);
      from = until;
    }
  }
}

const CHUNK_ROWS = 5000;

async function backfillRange(knex: Knex, scope: { merchant_id: string; livemode: unknown }, since: number, until: number): Promise<void> {
  const mysql = isMysql(knex);
  const bucket = mysql ? `(created_at DIV ${BUCKET_MS}) * ${BUCKET_MS}` : `(created_at / ${BUCKET_MS}) * ${BUCKET_MS}`;
  const kinds = [
    { kind: 'card', column: 'card_fingerprint', card: "''", outcomes: true },
    { kind: 'ip', column: 'ip', card: 'card_fingerprint', outcomes: false },
    { kind: 'email', column: 'email', card: "''", outcomes: false },
  ] as const;
  for (const k of kinds) {
    const rows: Array<Record<string, unknown>> = await knex('risk_assessments')
      .select('merchant_id', 'livemode', knex.raw(`${k.column} AS key_value`), knex.raw(`${bucket} AS bucket_start`), 'currency', knex.raw(`${k.card} AS card`))
      .count({ attempts: '*' })
      .sum({ amount: 'amount' })
      .select(
        knex.raw(`SUM(CASE WHEN outcome = 'pending' THEN 1 ELSE 0 END) AS pending`),
        knex.raw(`SUM(CASE WHEN outcome = 'declined' THEN 1 ELSE 0 END) AS declined`),
      )
      .select(knex.raw(`SUM(CASE WHEN amount <= ${BACKFILL_SMALL_AMOUNT} THEN 1 ELSE 0 END) AS small`))
      .where(scope)
      .andWhere('created_at', '>=', since)
      .andWhere('created_at', '<', until)
      .whereNotNull(k.column)
      .groupBy('merchant_id', 'livemode', k.column, knex.raw(bucket), 'currency', knex.raw(k.card));
    const buckets = rows.map((r) => ({
      merchant_id: String(r.merchant_id),
      livemode: Boolean(Number(r.livemode)),
      key_hash: keyHashOf(k.kind, String(r.key_value)),
      bucket_start: Number(r.bucket_start),
      currency: String(r.currency),
      card_fingerprint: String(r.card),
      attempts: Number(r.attempts),
      amount: Number(r.amount),
      pending: k.outcomes ? Number(r.pending) : 0,
      declined: k.outcomes ? Number(r.declined) : 0,
      small: Number(r.small),
    }));
    for (let i = 0; i < buckets.length; i += 500) await knex('risk_key_buckets').insert(buckets.slice(i, i + 500));
  }
}
