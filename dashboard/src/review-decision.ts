import { RiskReview, formatAmount, formatMoment } from '@tender/core';

/** A decision on a held payment, from the URL: anything else is not a route. */
export type ReviewDecision = 'approve' | 'reject';

export const REVIEW_ID = /^rrv_[0-9A-Za-z]{1,40}$/;

export function reviewDecisionOf(value: unknown): ReviewDecision | undefined {
  return value === 'approve' || value === 'reject' ? value : undefined;
}

/**
 * The second step of a decision runs only with the confirmation page's field: a
 * single click (or a forged form without it) decides nothing.
 */
export function isConfirmed(form: Readonly<Record<string, unknown>>): boolean {
  return form.confirm === 'yes';
}

/** What the dashboard and the console show of a review: amounts in major units, the deadline in people's time, and what happens then. */
export interface ReviewRowView {
  readonly id: string;
  readonly payment_id: string;
  readonly status: string;
  readonly score: number;
  readonly amount_text: string;
  readonly email: string;
  readonly ip: string;
  readonly reasons: ReadonlyArray<{ rule: string; reason: string; score: number }>;
  readonly deadline: string;
  readonly then_reject: boolean;
  readonly decided_by: string;
  readonly decided_at: string;
}

/**
 * @example
 * ```ts
 * reviewRowView(review, 'ru', 'Europe/Moscow').deadline; // '2 марта 2026 г. в 13:00 MSK'
 * ```
 */
export function reviewRowView(r: RiskReview, locale: string, timeZone: string): ReviewRowView {
  return {
    id: r.id,
    payment_id: r.paymentId,
    status: r.status,
    score: r.score,
    amount_text: formatAmount(r.amount, r.currency, locale),
    email: r.email ?? '',
    ip: r.ip ?? '',
    reasons: r.reasons.map((x) => ({ rule: x.rule, reason: x.reason, score: x.score })),
    deadline: formatMoment(r.expiresAt, locale, timeZone),
    then_reject: r.expireDecision === 'reject',
    decided_by: r.decidedBy ?? '',
    decided_at: r.decidedAt === null ? '' : formatMoment(r.decidedAt, locale, timeZone),
  };
}
