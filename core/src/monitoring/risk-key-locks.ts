import { createHash } from 'node:crypto';
import { injectable } from 'tsyringe';
import { Database, Transaction, isMysql } from '../db/database';
import { MerchantContext } from '../merchants/merchant-context';
import { HistoryKey } from './risk-rule';

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
 * key order (one statement): no shared-then-exclusive upgrade, no lock-order cycle.
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
    await trx('risk_key_locks')
      .select('key_hash')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode })
      .whereIn('key_hash', [...keyHashes])
      .orderBy('key_hash')
      .forUpdate();
  }
}

/** The lock row names of these history keys, sorted and without duplicates. */
export function lockKeysOf(keys: readonly HistoryKey[]): string[] {
  const hashes = keys.map((k) => createHash('sha256').update(k.kind === 'merchant' ? 'merchant' : `${k.kind}:${k.value}`).digest('hex'));
  return [...new Set(hashes)].sort();
}
