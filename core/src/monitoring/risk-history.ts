import { Knex } from 'knex';
import { Queryable } from '../db/database';
import { usingIndex } from '../db/index-hint';
import { MerchantContext } from '../merchants/merchant-context';
import { HistoryKey, RiskHistory } from './risk-rule';

/** (merchant_id, livemode, currency, outcome, created_at, amount): covers the usual-ticket sample, newest first. */
const USUAL_TICKET_INDEX = 'risk_assessments_ticket';

const KEY_COLUMN = { card: 'card_fingerprint', ip: 'ip', email: 'email' } as const;

/**
 * RiskHistory over `risk_assessments` (one row per assessed attempt). Each method
 * is one query: an inner SELECT that walks an index starting with (merchant_id,
 * livemode, key, created_at) and stops after `cap` rows, and an outer aggregate
 * over at most those rows. A card with a million attempts costs the same as one
 * with `cap`.
 */
export class SqlRiskHistory implements RiskHistory {
  constructor(
    private readonly db: Queryable,
    private readonly ctx: MerchantContext,
  ) {}

  /** RiskHistory.connection: the same connection the history's own queries use. */
  get connection(): Queryable {
    return this.db;
  }

  async attempts(key: HistoryKey, since: number, cap: number, currency: string): Promise<{ count: number; amount: number }> {
    const inner = this.recent(since, cap).select(this.db.raw('CASE WHEN currency = ? THEN amount ELSE 0 END AS same_amount', [currency]));
    if (key.kind !== 'merchant') inner.andWhere(KEY_COLUMN[key.kind], key.value);
    const row = await this.db.from(inner.as('h')).count({ n: '*' }).sum({ total: 'same_amount' }).first();
    return { count: Number(row?.n ?? 0), amount: Number(row?.total ?? 0) };
  }

  async declines(cardFingerprint: string, since: number, cap: number): Promise<number> {
    const inner = this.recent(since, cap).select('id').andWhere({ card_fingerprint: cardFingerprint, outcome: 'declined' });
    return this.countOf(inner);
  }

  async cardOutcomes(cardFingerprint: string, since: number, cap: number): Promise<{ declined: number; pending: number }> {
    const inner = this.recent(since, cap).select('outcome').andWhere({ card_fingerprint: cardFingerprint }).whereIn('outcome', ['declined', 'pending']);
    const row = await this.db
      .from(inner.as('h'))
      .select(
        this.db.raw("SUM(CASE WHEN outcome = 'declined' THEN 1 ELSE 0 END) AS declined"),
        this.db.raw("SUM(CASE WHEN outcome = 'pending' THEN 1 ELSE 0 END) AS pending"),
      )
      .first();
    return { declined: Number(row?.declined ?? 0), pending: Number(row?.pending ?? 0) };
  }

  async smallAttempts(ip: string, currency: string, maxAmount: number, since: number, cap: number): Promise<number> {
    const inner = this.recent(since, cap).select('id').andWhere({ ip, currency }).andWhere('amount', '<=', maxAmount);
    return this.countOf(inner);
  }

  async distinctCards(ip: string, exceptCard: string, since: number, cap: number): Promise<number> {
    const inner = this.recent(since, cap).select('card_fingerprint').andWhere({ ip }).andWhereNot('card_fingerprint', exceptCard);
    const row = await this.db.from(inner.as('h')).countDistinct({ n: 'card_fingerprint' }).first();
    return Number(row?.n ?? 0);
  }

  async usualAmount(currency: string, since: number, sample: number): Promise<{ average: number; samples: number }> {
    const row = await this.db
      .from(this.usualSample(currency, since, sample).as('h'))
      .count({ n: '*' })
      .avg({ mean: 'amount' })
      .first();
    return { average: Math.round(Number(row?.mean ?? 0)), samples: Number(row?.n ?? 0) };
  }

  /**
   * The usual-ticket sample as one row shaped like a bucket row (BUCKET_COLUMNS):
   * empty key, the sample's size in `attempts` and its sum in `amount`, so it can be
   * read in the statement that reads the buckets.
   */
  usualSampleRow(currency: string, since: number, sample: number): Knex.QueryBuilder {
    return this.db
      .from(this.usualSample(currency, since, sample).as('u'))
      .select(
        this.db.raw("'' AS key_hash"),
        this.db.raw('0 AS bucket_start'),
        this.db.raw('? AS currency', [currency]),
        this.db.raw("'' AS card_fingerprint"),
        this.db.raw('COUNT(*) AS attempts'),
        this.db.raw('COALESCE(SUM(amount), 0) AS amount'),
        this.db.raw('0 AS pending'),
        this.db.raw('0 AS declined'),
        this.db.raw('0 AS small'),
      );
  }

  /** The amounts of the last `sample` approved attempts in `currency` since `since`: what "usual" is measured on. */
  private usualSample(currency: string, since: number, sample: number): Knex.QueryBuilder {
    return this.recent(since, sample, USUAL_TICKET_INDEX).select('amount').andWhere({ currency, outcome: 'approved' });
  }

  /** `index` names the index to read through where the statement is on the payment path (index-hint.ts). */
  private recent(since: number, cap: number, index?: string): Knex.QueryBuilder {
    return this.db(index === undefined ? 'risk_assessments' : usingIndex(this.db, 'risk_assessments', index))
      .where({ merchant_id: this.ctx.merchantId, livemode: this.ctx.livemode })
      .andWhere('created_at', '>=', since)
      .orderBy('created_at', 'desc')
      .limit(cap);
  }

  private async countOf(inner: Knex.QueryBuilder): Promise<number> {
    const row = await this.db.from(inner.as('h')).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }
}
