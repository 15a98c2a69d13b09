import { injectable } from 'tsyringe';
import { Queryable, forUpdate } from '../db/database';
import type { InsertRow } from '../db/tables';
import { MerchantContext } from '../merchants/merchant-context';

export const REVIEW_STATUSES = ['open', 'approved', 'rejected', 'canceled'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** A payment held for a person to approve or reject (one row of `risk_reviews`). */
export interface RiskReview {
  readonly seq: number;
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly paymentId: string;
  readonly assessmentId: string;
  readonly status: ReviewStatus;
  readonly score: number;
  readonly reasons: ReadonlyArray<{ rule: string; score: number; reason: string; dry_run: boolean }>;
  readonly cardFingerprint: string;
  readonly ip: string | null;
  readonly email: string | null;
  readonly amount: number;
  readonly currency: string;
  readonly expiresAt: number;
  readonly expireDecision: 'approve' | 'reject';
  readonly decidedBy: string | null;
  readonly decidedAt: number | null;
  readonly createdAt: number;
}

/** The review as the API shows it. */
export function riskReviewView(r: RiskReview, paymentStatus?: string): Record<string, unknown> {
  return {
    id: r.id,
    object: 'risk_review',
    status: r.status,
    payment: r.paymentId,
    ...(paymentStatus === undefined ? {} : { payment_status: paymentStatus }),
    livemode: r.livemode,
    score: r.score,
    reasons: r.reasons,
    card_fingerprint: r.cardFingerprint,
    ip: r.ip,
    email: r.email,
    amount: r.amount,
    currency: r.currency,
    expires_at: new Date(r.expiresAt).toISOString(),
    expire_decision: r.expireDecision,
    decided_by: r.decidedBy,
    decided_at: r.decidedAt === null ? null : new Date(r.decidedAt).toISOString(),
    created_at: new Date(r.createdAt).toISOString(),
  };
}

@injectable()
export class RiskReviewRepository {
  async insert(q: Queryable, row: InsertRow<'risk_reviews'>): Promise<void> {
    await q('risk_reviews').insert(row);
  }

  async find(q: Queryable, ctx: MerchantContext, id: string, options: { lock?: boolean } = {}): Promise<RiskReview | undefined> {
    const query = q('risk_reviews').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
    const row = await (options.lock === true ? forUpdate(q, query) : query);
    return row === undefined ? undefined : fromRow(row);
  }

  async openForPayment(q: Queryable, ctx: MerchantContext, paymentId: string): Promise<RiskReview | undefined> {
    const row = await q('risk_reviews').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, payment_id: paymentId, status: 'open' }).first();
    return row === undefined ? undefined : fromRow(row);
  }

  async list(
    q: Queryable,
    ctx: MerchantContext,
    filter: { status: ReviewStatus | undefined; limit: number; startingAfter: string | undefined },
  ): Promise<{ reviews: RiskReview[]; hasMore: boolean } | undefined> {
    const query = q('risk_reviews').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode });
    if (filter.status !== undefined) query.andWhere('status', filter.status);
    if (filter.startingAfter !== undefined) {
      const cursor = await q('risk_reviews').select('seq').where({ id: filter.startingAfter, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
      if (cursor === undefined) return undefined;
      query.andWhere('seq', '<', cursor.seq);
    }
    const rows = await query.orderBy('seq', 'desc').limit(filter.limit + 1);
    return { reviews: rows.slice(0, filter.limit).map(fromRow), hasMore: rows.length > filter.limit };
  }

  /** Open reviews whose deadline has passed, oldest first, across merchants (the expiry job). */
  async due(q: Queryable, now: number, limit: number): Promise<RiskReview[]> {
    const rows = await q('risk_reviews').where({ status: 'open' }).andWhere('expires_at', '<=', now).orderBy('expires_at', 'asc').limit(limit);
    return rows.map(fromRow);
  }

  async decide(q: Queryable, review: RiskReview, status: ReviewStatus, decidedBy: string, now: number): Promise<RiskReview> {
    await q('risk_reviews')
      .where({ id: review.id, merchant_id: review.merchantId, livemode: review.livemode, status: 'open' })
      .update({ status, decided_by: decidedBy, decided_at: now, updated_at: now });
    return { ...review, status, decidedBy, decidedAt: now };
  }
}

function fromRow(row: Record<string, unknown>): RiskReview {
  return {
    seq: Number(row.seq),
    id: String(row.id),
    merchantId: String(row.merchant_id),
    livemode: Boolean(row.livemode),
    paymentId: String(row.payment_id),
    assessmentId: String(row.assessment_id),
    status: row.status as ReviewStatus,
    score: Number(row.score),
    reasons: JSON.parse(String(row.reasons)) as RiskReview['reasons'],
    cardFingerprint: String(row.card_fingerprint),
    ip: (row.ip as string | null) ?? null,
    email: (row.email as string | null) ?? null,
    amount: Number(row.amount),
    currency: String(row.currency),
    expiresAt: Number(row.expires_at),
    expireDecision: row.expire_decision as 'approve' | 'reject',
    decidedBy: (row.decided_by as string | null) ?? null,
    decidedAt: row.decided_at === null || row.decided_at === undefined ? null : Number(row.decided_at),
    createdAt: Number(row.created_at),
  };
}
