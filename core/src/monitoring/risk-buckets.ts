import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { Queryable, isMysql } from '../db/database';
import { usingIndex } from '../db/index-hint';
import { MerchantContext } from '../merchants/merchant-context';

/**
 * Width of one history bucket. Rules' windows are counted in whole buckets
 * (docs/risk.md, "How history is counted"): a window of W seconds covers the
 * buckets that began at or after now - W, plus the current one.
 */
export const BUCKET_MS = 60_000;

/** Start of the bucket holding `at` (epoch ms). */
export function bucketOf(at: number): number {
  return at - (((at % BUCKET_MS) + BUCKET_MS) % BUCKET_MS);
}

/**
 * The first bucket a window starting at `since` counts: the first bucket that began
 * at or after `since`, but never later than the current bucket (a window shorter
 * than a bucket still sees the current minute).
 */
export function firstBucketOf(since: number, now: number): number {
  const first = bucketOf(since) === since ? since : bucketOf(since) + BUCKET_MS;
  return Math.min(first, bucketOf(now));
}

/** The history keys buckets are kept for. */
export type BucketKeyKind = 'card' | 'ip' | 'email';

/** SHA-256 of `kind:value`: the same name risk_key_locks uses for the key. */
export function keyHashOf(kind: BucketKeyKind | 'merchant', value?: string): string {
  return createHash('sha256')
    .update(kind === 'merchant' ? 'merchant' : `${kind}:${value ?? ''}`)
    .digest('hex');
}

/** One row of `risk_key_buckets`: what one key saw in one currency (and, for an IP, with one card) in one bucket. */
export interface BucketRow {
  readonly key_hash: string;
  readonly bucket_start: number;
  readonly currency: string;
  /** The card, on IP rows only (distinct cards per IP); '' on card and e-mail rows. */
  readonly card_fingerprint: string;
  readonly attempts: number;
  readonly amount: number;
  /** Card rows only: attempts still waiting for the bank's answer. */
  readonly pending: number;
  /** Card rows only: attempts the bank declined. */
  readonly declined: number;
  /** Attempts at or under the card_testing rule's `small_amount` effective when they were assessed. */
  readonly small: number;
}

/** What one assessed attempt adds to its keys' buckets. */
export interface BucketAttempt {
  readonly cardFingerprint: string;
  readonly ip: string | undefined;
  readonly email: string | undefined;
  readonly amount: number;
  readonly currency: string;
  readonly pending: boolean;
  readonly small: boolean;
  readonly at: number;
}

/**
 * Per-key counters in time buckets (`risk_key_buckets`), so a rule's check costs the
 * same whatever the history of the key: a window of an hour reads at most 60 rows per
 * key and currency, however many attempts the hour holds.
 *
 * Written in the assessment's transaction by one multi-row upsert (`INSERT ... ON
 * DUPLICATE KEY UPDATE` / `ON CONFLICT DO UPDATE`: increments, never a read-modify-
 * write), rows in key order; the outcome later moves a card's attempt from `pending`
 * to `declined` (or out of `pending`) by a conditional UPDATE.
 *
 * @example
 * ```ts
 * await buckets.add(trx, ctx, { cardFingerprint, ip: '203.0.113.7', email: undefined, amount: 1000, currency: 'RUB', pending: true, small: false, at: now });
 * const rows = await buckets.read(trx, ctx, [keyHashOf('card', cardFingerprint)], firstBucketOf(now - 3600_000, now));
 * ```
 */
export class RiskKeyBuckets {
  async add(q: Queryable, ctx: MerchantContext, a: BucketAttempt): Promise<void> {
    const bucket = bucketOf(a.at);
    const base = {
      merchant_id: ctx.merchantId,
      livemode: ctx.livemode,
      bucket_start: bucket,
      currency: a.currency,
      attempts: 1,
      amount: a.amount,
      small: a.small ? 1 : 0,
    };
    const rows = [{ ...base, key_hash: keyHashOf('card', a.cardFingerprint), card_fingerprint: '', pending: a.pending ? 1 : 0, declined: 0 }];
    if (a.ip !== undefined) rows.push({ ...base, key_hash: keyHashOf('ip', a.ip), card_fingerprint: a.cardFingerprint, pending: 0, declined: 0 });
    if (a.email !== undefined) rows.push({ ...base, key_hash: keyHashOf('email', a.email), card_fingerprint: '', pending: 0, declined: 0 });
    // Key order: two transactions upserting the same rows take their locks in one order.
    rows.sort((x, y) => (x.key_hash < y.key_hash ? -1 : x.key_hash > y.key_hash ? 1 : 0));
    const added = (column: string): string => (isMysql(q) ? `${column} + VALUES(${column})` : `${column} + excluded.${column}`);
    await q('risk_key_buckets')
      .insert(rows)
      .onConflict(['merchant_id', 'livemode', 'key_hash', 'bucket_start', 'currency', 'card_fingerprint'])
      .merge({
        attempts: q.raw(added('attempts')),
        amount: q.raw(added('amount')),
        pending: q.raw(added('pending')),
        small: q.raw(added('small')),
      });
  }

  /** The bank answered an attempt assessed at `assessedAt`: it leaves `pending` (and counts as declined when it was). */
  async settle(q: Queryable, ctx: MerchantContext, cardFingerprint: string, currency: string, assessedAt: number, declined: boolean): Promise<void> {
    await q('risk_key_buckets')
      .where({
        merchant_id: ctx.merchantId,
        livemode: ctx.livemode,
        key_hash: keyHashOf('card', cardFingerprint),
        bucket_start: bucketOf(assessedAt),
        currency,
        card_fingerprint: '',
      })
      .andWhere('pending', '>', 0)
      .update({ pending: q.raw('pending - 1'), declined: q.raw(declined ? 'declined + 1' : 'declined') });
  }

  /** Every bucket of these keys from `firstBucket` on: one range read of the primary key per key. */
  async read(q: Queryable, ctx: MerchantContext, keyHashes: readonly string[], firstBucket: number, extra?: Knex.QueryBuilder): Promise<BucketRow[]> {
    const query = this.query(q, ctx, keyHashes, firstBucket);
    // The table named with its index hint is a raw reference, so knex types the rows loosely: they are read field by field.
    const rows: ReadonlyArray<Record<string, unknown>> = await (extra === undefined ? query : query.unionAll(extra));
    return rows.map((r) => ({
      key_hash: String(r.key_hash),
      bucket_start: Number(r.bucket_start),
      currency: String(r.currency),
      card_fingerprint: String(r.card_fingerprint),
      attempts: Number(r.attempts),
      amount: Number(r.amount),
      pending: Number(r.pending),
      declined: Number(r.declined),
      small: Number(r.small),
    }));
  }

  /**
   * The SELECT of `read`, whose columns (BUCKET_COLUMNS) another SELECT can be united with.
   * It names the primary key on MySQL/MariaDB: the range on `bucket_start` alone would
   * otherwise have the planner also estimate the pruner's age index over every merchant's
   * recent minutes (an index dive per payment), and the primary key's range is always the plan.
   */
  private query(q: Queryable, ctx: MerchantContext, keyHashes: readonly string[], firstBucket: number) {
    return q(usingIndex(q, 'risk_key_buckets', 'PRIMARY'))
      .select(...BUCKET_COLUMNS)
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode })
      .whereIn('key_hash', keyHashes.length === 0 ? [''] : [...keyHashes])
      .andWhere('bucket_start', '>=', firstBucket);
  }
}

/** The columns of a bucket row, in the order `read` selects them. */
export const BUCKET_COLUMNS = ['key_hash', 'bucket_start', 'currency', 'card_fingerprint', 'attempts', 'amount', 'pending', 'declined', 'small'] as const;
