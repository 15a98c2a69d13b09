import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database } from '../db/database';
import { BACKFILL_MS } from './risk-bucket-backfill';
import { BUCKET_MS, bucketOf, keyHashOf } from './risk-buckets';

/** Rows one statement deletes: a short transaction (a small Galera write set, brief row locks). */
export const PRUNE_BATCH = 500;
/** Batches one round deletes before it hands back to the scheduler (which runs it again at once when it found work). */
const BATCHES_PER_ROUND = 20;

/** What one round deleted. */
export interface PruneResult {
  readonly buckets: number;
  readonly locks: number;
}

/** The primary key of a `risk_key_buckets` row, as the pruner reads it. */
type BucketKey = [string, number, string, number, string, string];
/** The primary key of a `risk_key_locks` row (livemode as the 0 or 1 both databases store). */
type LockKey = [string, number, string];

/**
 * Deletes what no risk window can count any more (run hourly by the scheduler, one
 * process at a time): `risk_key_buckets` rows of minutes that began more than 30 days
 * ago (the longest window a rule may set, BACKFILL_MS, plus a minute for the clocks
 * of other processes), and `risk_key_locks` rows older than that whose key has no
 * bucket left. The merchant-wide lock row (one per merchant and mode) is kept.
 *
 * Every statement is small: the old buckets are found by a range of the
 * `bucket_start` index (migration 049) and deleted by primary key, 500 at a time;
 * lock rows go by primary key too, each only if no bucket of its key exists at that
 * moment (checked in the DELETE itself). A lock row deleted just before a confirm
 * needs it is harmless: the confirm's lock notices the missing row and creates it
 * (RiskKeyLocks.lock).
 *
 * Lock rows whose key never had a bucket in the last 30 days (created before
 * migration 042, or by a confirm that failed before writing its attempt) are found
 * by a range of the `created_at` index: from 0 in a process's first round, then only
 * the rows that have come of age since its previous round.
 *
 * @example
 * ```ts
 * const { buckets, locks } = await container.resolve(RiskBucketPruner).pruneOnce();
 * ```
 */
@injectable()
export class RiskBucketPruner {
  /** Lock rows created before this were swept for orphans by this process. */
  private sweptUntil = 0;

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The first bucket kept at `now`: every earlier one began before any window a rule may set. */
  static cutoffAt(now: number): number {
    return bucketOf(now - BACKFILL_MS) - BUCKET_MS;
  }

  /** One round: at most 20 batches of each kind; the total deleted (the scheduler runs the job again at once while it is positive). */
  async run(signal?: AbortSignal): Promise<number> {
    const { buckets, locks } = await this.pruneOnce(signal);
    return buckets + locks;
  }

  async pruneOnce(signal?: AbortSignal): Promise<PruneResult> {
    const cutoff = RiskBucketPruner.cutoffAt(this.clock.now());
    let buckets = 0;
    let locks = 0;
    for (let i = 0; i < BATCHES_PER_ROUND && signal?.aborted !== true; i++) {
      const deleted = await this.pruneBucketBatch(cutoff);
      buckets += deleted.buckets;
      locks += deleted.locks;
      if (deleted.buckets < PRUNE_BATCH) break;
    }
    for (let i = 0; i < BATCHES_PER_ROUND && signal?.aborted !== true; i++) {
      const swept = await this.sweepOrphanLocks(cutoff);
      locks += swept.deleted;
      if (swept.found < PRUNE_BATCH) {
        this.sweptUntil = cutoff;
        break;
      }
    }
    return { buckets, locks };
  }

  /** Up to PRUNE_BATCH old buckets, then the lock rows of their keys that have no bucket left. */
  private async pruneBucketBatch(cutoff: number): Promise<PruneResult> {
    const rows: Array<Record<string, unknown>> = await this.db('risk_key_buckets')
      .select(...BUCKET_PK)
      .where('bucket_start', '<', cutoff)
      .orderBy('bucket_start')
      .limit(PRUNE_BATCH);
    if (rows.length === 0) return { buckets: 0, locks: 0 };
    const keys: BucketKey[] = rows.map((r) => [
      String(r.merchant_id),
      Number(r.livemode),
      String(r.key_hash),
      Number(r.bucket_start),
      String(r.currency),
      String(r.card_fingerprint),
    ]);
    const buckets = await this.db('risk_key_buckets')
      .whereIn([...BUCKET_PK], keys)
      .andWhere('bucket_start', '<', cutoff)
      .delete();
    const lockKeys = new Map<string, LockKey>();
    for (const [merchant, livemode, keyHash] of keys) lockKeys.set(`${merchant}:${livemode}:${keyHash}`, [merchant, livemode, keyHash]);
    const locks = await this.deleteBucketlessLocks([...lockKeys.values()], cutoff);
    return { buckets, locks };
  }

  /** Lock rows created in [sweptUntil, cutoff) whose key has no bucket: up to PRUNE_BATCH of them found, and how many were deleted. */
  private async sweepOrphanLocks(cutoff: number): Promise<{ found: number; deleted: number }> {
    if (this.sweptUntil >= cutoff) return { found: 0, deleted: 0 };
    const rows: Array<Record<string, unknown>> = await this.db('risk_key_locks')
      .select('merchant_id', 'livemode', 'key_hash')
      .where('created_at', '>=', this.sweptUntil)
      .andWhere('created_at', '<', cutoff)
      .andWhere('key_hash', '<>', MERCHANT_KEY)
      .whereNotExists(bucketsOfLockRow(this.db))
      .limit(PRUNE_BATCH);
    const deleted = await this.deleteBucketlessLocks(
      rows.map((r): LockKey => [String(r.merchant_id), Number(r.livemode), String(r.key_hash)]),
      cutoff,
    );
    return { found: rows.length, deleted };
  }

  /** Deletes these lock rows when they are older than `cutoff` and no bucket of their key exists (checked in the DELETE). */
  private async deleteBucketlessLocks(keys: LockKey[], cutoff: number): Promise<number> {
    if (keys.length === 0) return 0;
    return this.db('risk_key_locks')
      .whereIn(['merchant_id', 'livemode', 'key_hash'], keys)
      .andWhere('created_at', '<', cutoff)
      .andWhere('key_hash', '<>', MERCHANT_KEY)
      .whereNotExists(bucketsOfLockRow(this.db))
      .delete();
  }
}

const BUCKET_PK = ['merchant_id', 'livemode', 'key_hash', 'bucket_start', 'currency', 'card_fingerprint'] as const;

/** The merchant-wide lock row's key: one row per merchant and mode, never bucketed, kept. */
const MERCHANT_KEY = keyHashOf('merchant');

/** Any bucket of the lock row's key (a range of the buckets' primary key). */
function bucketsOfLockRow(db: Database) {
  return db('risk_key_buckets')
    .select(db.raw('1'))
    .whereRaw('risk_key_buckets.merchant_id = risk_key_locks.merchant_id')
    .andWhereRaw('risk_key_buckets.livemode = risk_key_locks.livemode')
    .andWhereRaw('risk_key_buckets.key_hash = risk_key_locks.key_hash');
}
