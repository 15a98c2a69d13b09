import { injectable } from 'tsyringe';
import { Queryable, isMysql } from '../db/database';
import { MerchantContext } from '../merchants/merchant-context';
import type { DbBoolean } from '../db/tables';
import { RiskKeyBuckets } from './risk-buckets';
import { PENDING_ASSESSMENT, pendingAssessmentSetBindings } from './pending-assessment-sql';

export type AssessmentOutcome = 'pending' | 'blocked' | 'approved' | 'declined' | 'failed';

/** A row of `risk_assessments`: one per assessed confirm attempt. Never holds a PAN. */
export interface AssessmentRow {
  readonly id: string;
  readonly merchant_id: string;
  readonly livemode: DbBoolean;
  readonly payment_id: string;
  readonly card_fingerprint: string;
  readonly card_bin: string;
  readonly ip: string | null;
  readonly email: string | null;
  readonly amount: number;
  readonly currency: string;
  readonly score: number;
  readonly decision: string;
  readonly action: string;
  readonly dry_run_decision: string;
  readonly reasons: string;
  readonly rule_set_versions: string;
  readonly outcome: AssessmentOutcome;
  readonly created_at: number;
  readonly updated_at: number;
}

@injectable()
export class RiskAssessmentRepository {
  // Stateless, built here rather than registered (the class registry is another area's).
  private readonly buckets = new RiskKeyBuckets();

  async insert(q: Queryable, row: AssessmentRow): Promise<void> {
    await q('risk_assessments').insert(row);
  }

  /** A payment has one attempt in flight at a time, so its pending assessment is that attempt's. */
  /**
   * Also moves the attempt out of its card's `pending` counter (into `declined` when
   * the bank declined). Conditional on `outcome = 'pending'`, so an answer applied
   * twice counts once. On MySQL/MariaDB one multi-table UPDATE joins the assessment to
   * its card's bucket (the key hash computed by SHA2, as keyHashOf does); SQLite, which
   * has no multi-table UPDATE, reads the row, updates it and then the bucket.
   */
  async settlePending(q: Queryable, ctx: MerchantContext, paymentId: string, outcome: AssessmentOutcome, now: number): Promise<void> {
    const scope = { merchant_id: ctx.merchantId, livemode: ctx.livemode };
    if (isMysql(q)) {
      await q.raw(
        `UPDATE ${PENDING_ASSESSMENT.table} ${PENDING_ASSESSMENT.cardBucketJoin}
         SET ${PENDING_ASSESSMENT.sets}
         WHERE a.merchant_id = ? AND a.livemode = ? AND a.payment_id = ? AND a.outcome = 'pending'`,
        [...pendingAssessmentSetBindings(outcome, now), ctx.merchantId, ctx.livemode, paymentId],
      );
      return;
    }
    const pending: Array<Record<string, unknown>> = await q('risk_assessments')
      .select('id', 'card_fingerprint', 'currency', 'created_at')
      .where({ ...scope, payment_id: paymentId, outcome: 'pending' });
    for (const row of pending) {
      const settled = await q('risk_assessments')
        .where({ ...scope, id: String(row.id), outcome: 'pending' })
        .update({ outcome, updated_at: now });
      if (settled > 0) await this.buckets.settle(q, ctx, String(row.card_fingerprint), String(row.currency), Number(row.created_at), outcome === 'declined');
    }
  }

  async forPayment(q: Queryable, ctx: MerchantContext, paymentId: string): Promise<AssessmentRow[]> {
    // outcome is one of AssessmentOutcome: only RiskRecorder writes the column.
    return (await q('risk_assessments')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, payment_id: paymentId })
      .orderBy('seq', 'asc')) as AssessmentRow[];
  }
}
