import { forcedIndexSql } from '../db/index-hint';
import { BUCKET_MS } from './risk-buckets';
import type { AssessmentOutcome } from './risk-assessment.repository';

/**
 * SQL text (MySQL/MariaDB only) that settles an attempt's pending risk assessment,
 * aliased `a`, and moves it out of its card's `pending` counter in the bucket it was
 * counted in, aliased `b`. Two multi-table UPDATEs use it: the settling join, where
 * the bank's answer settles payment, operation and assessment in one statement
 * (payments/settling-update.ts), and RiskAssessmentRepository.settlePending. Kept in
 * one place so the two cannot drift apart: the bucket a decrement lands in must be
 * the one the assessment was counted in.
 *
 * - `table`: the assessments table through `(merchant_id, livemode, payment_id)`,
 *   named so the optimizer does not estimate the table's other indexes, a cost that
 *   grows with history (db/index-hint.ts).
 * - `cardBucketJoin`: a LEFT JOIN, so an assessment whose bucket is gone still settles;
 *   the key hash is computed by SHA2 as keyHashOf computes it.
 * - `sets`, bound by `pendingAssessmentSetBindings(outcome, now)`: the new outcome,
 *   and `pending` down by one (never below 0), `declined` up by one when the bank
 *   declined.
 *
 * @example
 * ```ts
 * await q.raw(
 *   `UPDATE ${PENDING_ASSESSMENT.table} ${PENDING_ASSESSMENT.cardBucketJoin} SET ${PENDING_ASSESSMENT.sets}
 *    WHERE a.merchant_id = ? AND a.livemode = ? AND a.payment_id = ? AND a.outcome = 'pending'`,
 *   [...pendingAssessmentSetBindings('approved', now), merchantId, livemode, paymentId],
 * );
 * ```
 */
export const PENDING_ASSESSMENT = {
  table: forcedIndexSql('risk_assessments', 'a', 'risk_assessments_payment'),
  cardBucketJoin: `LEFT JOIN risk_key_buckets b
    ON b.merchant_id = a.merchant_id AND b.livemode = a.livemode AND b.key_hash = SHA2(CONCAT('card:', a.card_fingerprint), 256)
   AND b.bucket_start = a.created_at - MOD(a.created_at, ${BUCKET_MS}) AND b.currency = a.currency AND b.card_fingerprint = ''`,
  sets: 'a.outcome = ?, a.updated_at = ?, b.pending = GREATEST(b.pending - 1, 0), b.declined = b.declined + ?',
} as const;

/** The bindings of `PENDING_ASSESSMENT.sets`, in order. */
export function pendingAssessmentSetBindings(outcome: AssessmentOutcome, now: number): [AssessmentOutcome, number, number] {
  return [outcome, now, outcome === 'declined' ? 1 : 0];
}
