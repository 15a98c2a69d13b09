import { injectable } from 'tsyringe';
import { Queryable } from '../db/database';
import { MerchantContext } from '../merchants/merchant-context';
import type { DbBoolean } from '../db/tables';

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
  async insert(q: Queryable, row: AssessmentRow): Promise<void> {
    await q('risk_assessments').insert(row);
  }

  /** A payment has one attempt in flight at a time, so its pending assessment is that attempt's. */
  async settlePending(q: Queryable, ctx: MerchantContext, paymentId: string, outcome: AssessmentOutcome, now: number): Promise<void> {
    await q('risk_assessments').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, payment_id: paymentId, outcome: 'pending' }).update({ outcome, updated_at: now });
  }

  async forPayment(q: Queryable, ctx: MerchantContext, paymentId: string): Promise<AssessmentRow[]> {
    // outcome is one of AssessmentOutcome: only RiskRecorder writes the column.
    return (await q('risk_assessments').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, payment_id: paymentId }).orderBy('seq', 'asc')) as AssessmentRow[];
  }
}
