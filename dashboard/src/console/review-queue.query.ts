import { inject, injectable } from 'tsyringe';
import { DATABASE, Database } from '@tender/core';

export interface QueuedReview {
  readonly id: string;
  readonly merchantId: string;
  readonly merchantName: string;
  readonly livemode: boolean;
  readonly paymentId: string;
  readonly score: number;
  readonly reasons: ReadonlyArray<{ rule: string; reason: string }>;
  readonly email: string | null;
  readonly ip: string | null;
  readonly amount: number;
  readonly currency: string;
  readonly expiresAt: number;
  readonly expireDecision: string;
}

/**
 * The global review queue: open reviews of every merchant and both modes, the
 * nearest deadline first (the `risk_reviews_due` index serves the order), with a
 * keyset cursor on (expires_at, seq). Decisions go through RiskReviewService with
 * the review's own merchant and mode, never through this query.
 *
 * @example
 * ```ts
 * const page = await queue.open({ limit: 25 });
 * const next = await queue.open({ limit: 25, after: page.next });
 * ```
 */
@injectable()
export class ReviewQueueQuery {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  /** undefined: the cursor names no open review. */
  async open(at: { limit: number; after?: string | undefined }): Promise<{ reviews: QueuedReview[]; next: string | undefined } | undefined> {
    let query = this.db('risk_reviews as r')
      .join('merchants as m', 'm.id', 'r.merchant_id')
      .select('r.*', 'm.name as merchant_name')
      .where('r.status', 'open')
      .orderBy([
        { column: 'r.expires_at', order: 'asc' },
        { column: 'r.seq', order: 'asc' },
      ])
      .limit(at.limit + 1);
    if (at.after !== undefined) {
      const cursor = (await this.db('risk_reviews').select('seq', 'expires_at').where({ id: at.after }).first()) as
        { seq: number | string; expires_at: number | string } | undefined;
      if (cursor === undefined) return undefined;
      const expiresAt = Number(cursor.expires_at);
      const seq = Number(cursor.seq);
      query = query.where((w) => w.where('r.expires_at', '>', expiresAt).orWhere((x) => x.where('r.expires_at', '=', expiresAt).andWhere('r.seq', '>', seq)));
    }
    const rows = (await query) as Array<Record<string, unknown>>;
    const reviews = rows.slice(0, at.limit).map(toQueued);
    return { reviews, next: rows.length > at.limit ? reviews[reviews.length - 1]?.id : undefined };
  }

  /** The merchant and mode of one review, to build the context its decision runs in. */
  async scopeOf(id: string): Promise<{ merchantId: string; livemode: boolean } | undefined> {
    const row = (await this.db('risk_reviews').select('merchant_id', 'livemode').where({ id }).first()) as
      { merchant_id: string; livemode: unknown } | undefined;
    return row === undefined ? undefined : { merchantId: String(row.merchant_id), livemode: Boolean(row.livemode) };
  }
}

function toQueued(r: Record<string, unknown>): QueuedReview {
  const reasons = JSON.parse(String(r.reasons)) as Array<{ rule: string; reason: string }>;
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    merchantName: String(r.merchant_name),
    livemode: Boolean(r.livemode),
    paymentId: String(r.payment_id),
    score: Number(r.score),
    reasons: reasons.map((x) => ({ rule: x.rule, reason: x.reason })),
    email: (r.email as string | null) ?? null,
    ip: (r.ip as string | null) ?? null,
    amount: Number(r.amount),
    currency: String(r.currency),
    expiresAt: Number(r.expires_at),
    expireDecision: String(r.expire_decision),
  };
}
