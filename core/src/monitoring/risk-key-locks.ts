import { injectable } from 'tsyringe';
import { Database, Transaction, isMysql } from '../db/database';
import { MerchantContext } from '../merchants/merchant-context';
import { HistoryKey } from './risk-rule';
import { keyHashOf } from './risk-buckets';

/**
 * Serializes assessments that share a history key. Rules count earlier attempts; two
 * confirms with the same card read the same count at the same time and both pass a
 * threshold they reach together. The confirm transaction therefore locks one row per
 * key it is assessed by (card, IP, e-mail, and the merchant only when a merchant-wide
 * limit is enforced) before it reads the history, and holds it until its own attempt
 * is written: the next confirm with that key waits, then counts it. Confirms that
 * share no key never wait for each other.
 *
 * Rows are created beforehand outside the transaction (`ensure`, an INSERT IGNORE in
 * autocommit), so the transaction only takes exclusive locks on existing rows, in
 * key order (one UPDATE of `seq` through the primary key): no shared-then-exclusive
 * upgrade, no lock-order cycle, and a write Galera certifies across nodes.
 * SQLite has one connection and one writer, so transactions are serialized already
 * and neither step sends anything.
 *
 * @example
 * ```ts
 * const keys = lockKeysOf([{ kind: 'card', value: fingerprint }, { kind: 'ip', value: '203.0.113.7' }]);
 * await locks.ensure(db, ctx, keys, now);
 * await inTransaction(db, async (trx) => { await locks.lock(trx, ctx, keys); ... });
 * ```
 */
@injectable()
export class RiskKeyLocks {
  async ensure(db: Database, ctx: MerchantContext, keyHashes: readonly string[], now: number): Promise<void> {
    if (!isMysql(db) || keyHashes.length === 0) return;
    await db('risk_key_locks')
      .insert(keyHashes.map((key_hash) => ({ merchant_id: ctx.merchantId, livemode: ctx.livemode, key_hash, created_at: now })))
      .onConflict(['merchant_id', 'livemode', 'key_hash'])
      .ignore();
  }

  async lock(trx: Transaction, ctx: MerchantContext, keyHashes: readonly string[]): Promise<void> {
    if (!isMysql(trx) || keyHashes.length === 0) return;
    // An UPDATE, not SELECT ... FOR UPDATE: on one server it waits like the select; on
    // a Galera cluster the write is certified, so two nodes assessing one key at once
    // cannot both commit (the loser gets 1213 and its transaction is retried).
    await trx('risk_key_locks')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode })
      .whereIn('key_hash', [...keyHashes])
      .update({ seq: trx.raw('seq + 1') });
  }
}

/** The lock row names of these history keys, sorted and without duplicates. */
export function lockKeysOf(keys: readonly HistoryKey[]): string[] {
  const hashes = keys.map((k) => (k.kind === 'merchant' ? keyHashOf('merchant') : keyHashOf(k.kind, k.value)));
  return [...new Set(hashes)].sort();
}
