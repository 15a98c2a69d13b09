import { Queryable } from '../db/database';
import { MerchantContext } from '../merchants/merchant-context';
import { BucketRow, RiskKeyBuckets, firstBucketOf, keyHashOf } from './risk-buckets';
import { SqlRiskHistory } from './risk-history';
import { HistoryKey, RiskHistory } from './risk-rule';

/** The usual-ticket sample the amount rule will ask for (read in the same statement as the buckets). */
export interface UsualSample {
  readonly currency: string;
  readonly since: number;
  readonly sample: number;
}

/** The keys of one attempt whose buckets an assessment reads. */
export interface BucketKeys {
  readonly card: string;
  readonly ip: string | undefined;
  readonly email: string | undefined;
}

/**
 * RiskHistory over the per-key buckets (`risk_key_buckets`), read once per
 * assessment: one statement fetches every bucket of the attempt's card, IP and
 * e-mail over the widest window the rule set uses, and each rule's question is
 * answered from those rows in memory. Its cost depends on the window's length
 * (at most one row per minute, currency and, for an IP, card), never on how many
 * attempts the window holds.
 *
 * What buckets cannot answer comes from the row history (SqlRiskHistory): the
 * usual ticket (the mean of the last N approved attempts, a sample, not a count;
 * bounded by N) is read in the same statement as the buckets; the merchant-wide key
 * (its bucket would be one row every confirm of the merchant writes) and a window
 * older than what was read are asked separately.
 *
 * Counts are clamped to the caller's `cap`, as the row history's are.
 *
 * @example
 * ```ts
 * const history = await BucketedRiskHistory.load(trx, ctx, { card: fp, ip: '203.0.113.7', email: undefined }, now - 3600_000, now);
 * await history.cardOutcomes(fp, now - 3600_000, 5); // { declined, pending } from memory
 * ```
 */
export class BucketedRiskHistory implements RiskHistory {
  private constructor(
    private readonly rows: readonly BucketRow[],
    private readonly loadedFrom: number,
    private readonly loadedKeys: ReadonlySet<string>,
    private readonly now: number,
    private readonly rowHistory: SqlRiskHistory,
    private readonly usual: { readonly of: UsualSample; readonly average: number; readonly samples: number } | undefined,
  ) {}

  /**
   * One statement: the buckets of these keys covering every window that starts at or
   * after `widestSince`, and (UNION ALL) the usual-ticket sample when one is asked for,
   * as one extra row with an empty key (count in `attempts`, sum in `amount`).
   */
  static async load(q: Queryable, ctx: MerchantContext, keys: BucketKeys, widestSince: number, now: number, usual?: UsualSample): Promise<BucketedRiskHistory> {
    const hashes = [keyHashOf('card', keys.card)];
    if (keys.ip !== undefined) hashes.push(keyHashOf('ip', keys.ip));
    if (keys.email !== undefined) hashes.push(keyHashOf('email', keys.email));
    const from = firstBucketOf(widestSince, now);
    const rowHistory = new SqlRiskHistory(q, ctx);
    const rows = await new RiskKeyBuckets().read(
      q,
      ctx,
      hashes,
      from,
      usual === undefined ? undefined : rowHistory.usualSampleRow(usual.currency, usual.since, usual.sample),
    );
    const sampled = rows.find((r) => r.key_hash === '');
    const usualLoaded =
      usual === undefined || sampled === undefined
        ? undefined
        : { of: usual, average: sampled.attempts === 0 ? 0 : Math.round(sampled.amount / sampled.attempts), samples: sampled.attempts };
    return new BucketedRiskHistory(rows, from, new Set(hashes), now, rowHistory, usualLoaded);
  }

  get connection(): Queryable {
    return this.rowHistory.connection;
  }

  async attempts(key: HistoryKey, since: number, cap: number, currency: string): Promise<{ count: number; amount: number }> {
    if (key.kind === 'merchant') return this.rowHistory.attempts(key, since, cap, currency);
    const rows = this.window(keyHashOf(key.kind, key.value), since);
    if (rows === undefined) return this.rowHistory.attempts(key, since, cap, currency);
    let count = 0;
    let amount = 0;
    for (const r of rows) {
      count += r.attempts;
      if (r.currency === currency) amount += r.amount;
    }
    return { count: Math.min(count, cap), amount };
  }

  async declines(cardFingerprint: string, since: number, cap: number): Promise<number> {
    const rows = this.window(keyHashOf('card', cardFingerprint), since);
    if (rows === undefined) return this.rowHistory.declines(cardFingerprint, since, cap);
    return Math.min(
      sum(rows, (r) => r.declined),
      cap,
    );
  }

  async cardOutcomes(cardFingerprint: string, since: number, cap: number): Promise<{ declined: number; pending: number }> {
    const rows = this.window(keyHashOf('card', cardFingerprint), since);
    if (rows === undefined) return this.rowHistory.cardOutcomes(cardFingerprint, since, cap);
    const declined = Math.min(
      sum(rows, (r) => r.declined),
      cap,
    );
    return {
      declined,
      pending: Math.min(
        sum(rows, (r) => r.pending),
        cap - declined,
      ),
    };
  }

  /**
   * Small attempts were classified when they were assessed, with the `small_amount`
   * then in effect; `maxAmount` is used only when the row history answers.
   */
  async smallAttempts(ip: string, currency: string, maxAmount: number, since: number, cap: number): Promise<number> {
    const rows = this.window(keyHashOf('ip', ip), since);
    if (rows === undefined) return this.rowHistory.smallAttempts(ip, currency, maxAmount, since, cap);
    return Math.min(
      sum(rows, (r) => (r.currency === currency ? r.small : 0)),
      cap,
    );
  }

  async distinctCards(ip: string, exceptCard: string, since: number, cap: number): Promise<number> {
    const rows = this.window(keyHashOf('ip', ip), since);
    if (rows === undefined) return this.rowHistory.distinctCards(ip, exceptCard, since, cap);
    const cards = new Set<string>();
    for (const r of rows) if (r.attempts > 0 && r.card_fingerprint !== exceptCard) cards.add(r.card_fingerprint);
    return Math.min(cards.size, cap);
  }

  async usualAmount(currency: string, since: number, sample: number): Promise<{ average: number; samples: number }> {
    const u = this.usual;
    if (u !== undefined && u.of.currency === currency && u.of.since === since && u.of.sample === sample) return { average: u.average, samples: u.samples };
    return this.rowHistory.usualAmount(currency, since, sample);
  }

  /** The loaded rows of one key in the window starting at `since`; undefined when they were not loaded. */
  private window(keyHash: string, since: number): BucketRow[] | undefined {
    const first = firstBucketOf(since, this.now);
    if (first < this.loadedFrom || !this.loadedKeys.has(keyHash)) return undefined;
    return this.rows.filter((r) => r.key_hash === keyHash && r.bucket_start >= first);
  }
}

function sum(rows: readonly BucketRow[], of: (r: BucketRow) => number): number {
  return rows.reduce((total, r) => total + of(r), 0);
}
