import { injectable } from 'tsyringe';
import { Database, Queryable, Transaction, isMysql } from '../db/database';
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
  /**
   * Key rows this process has made sure of. Rows are never deleted, so a key seen
   * once needs no INSERT IGNORE again; bounded, oldest forgotten first. Should a row
   * be missing all the same, `lock` notices (it updated fewer rows) and creates it.
   */
  private readonly known = new Set<string>();

  async ensure(db: Database, ctx: MerchantContext, keyHashes: readonly string[], now: number): Promise<void> {
    if (!isMysql(db) || keyHashes.length === 0) return;
    const missing = keyHashes.filter((k) => !this.known.has(knownKey(ctx, k)));
    if (missing.length === 0) return;
    await this.insertMissing(db, ctx, missing, now);
    for (const k of missing) this.remember(knownKey(ctx, k));
  }

  async lock(trx: Transaction, ctx: MerchantContext, keyHashes: readonly string[]): Promise<void> {
    if (!isMysql(trx) || keyHashes.length === 0) return;
    // An UPDATE, not SELECT ... FOR UPDATE: on one server it waits like the select; on
    // a Galera cluster the write is certified, so two nodes assessing one key at once
    // cannot both commit (the loser gets 1213 and its transaction is retried).
    const locked = await this.update(trx, ctx, keyHashes);
    if (locked < keyHashes.length) {
      // A key remembered by this process has no row (a restored database): create and lock it now.
      await this.insertMissing(trx, ctx, keyHashes, Date.now());
      await this.update(trx, ctx, keyHashes);
    }
  }

  private update(trx: Transaction, ctx: MerchantContext, keyHashes: readonly string[]): Promise<number> {
    return trx('risk_key_locks')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode })
      .whereIn('key_hash', [...keyHashes])
      .update({ seq: trx.raw('seq + 1') });
  }

  private async insertMissing(q: Queryable, ctx: MerchantContext, keyHashes: readonly string[], now: number): Promise<void> {
    await q('risk_key_locks')
      .insert(keyHashes.map((key_hash) => ({ merchant_id: ctx.merchantId, livemode: ctx.livemode, key_hash, created_at: now })))
      .onConflict(['merchant_id', 'livemode', 'key_hash'])
      .ignore();
  }

  private remember(key: string): void {
    if (this.known.size >= KNOWN_KEYS_MAX) {
      const oldest = this.known.values().next();
      if (oldest.done !== true) this.known.delete(oldest.value);
    }
    this.known.add(key);
  }
}

/** How many key rows one process remembers as existing (about 10 MB at most). */
const KNOWN_KEYS_MAX = 100_000;

function knownKey(ctx: MerchantContext, keyHash: string): string {
  return `${ctx.merchantId}:${ctx.livemode ? 1 : 0}:${keyHash}`;
}

/** The lock row names of these history keys, sorted and without duplicates. */
export function lockKeysOf(keys: readonly HistoryKey[]): string[] {
  const hashes = keys.map((k) => (k.kind === 'merchant' ? keyHashOf('merchant') : keyHashOf(k.kind, k.value)));
  return [...new Set(hashes)].sort();
}
