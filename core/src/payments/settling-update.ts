import { SettledBankResult } from '../banks/bank-adapter';
import { BankOperation, settledOperationPatch } from '../banks/bank-operation';
import { PENDING_ASSESSMENT, pendingAssessmentSetBindings } from '../monitoring/pending-assessment-sql';
import type { AssessmentOutcome } from '../monitoring/risk-assessment.repository';

/** A value bound into the statement. */
export type SqlValue = string | number | boolean | null;

/**
 * Rows a MySQL/MariaDB multi-table UPDATE changes together with the payment (`payments
 * p`): JOIN clauses and `SET` assignments, each with its bindings. The payment's own
 * conditions (id, merchant, mode, version) stay in the repository's WHERE.
 */
export interface JoinedWrite {
  readonly joins: string;
  readonly joinBindings: readonly SqlValue[];
  readonly sets: string;
  readonly setBindings: readonly SqlValue[];
}

/**
 * The bank's answer settles the payment, its operation and (for an authorization) the
 * attempt's risk outcome in ONE statement on MySQL/MariaDB: the operation is an inner
 * join on `status = 'pending'`, so the UPDATE changes nothing, and the repository
 * reports a concurrent change, unless the payment still has the version the applier
 * saw AND the operation is still pending: the same two conditions as the separate
 * statements SQLite runs, checked at once. The assessment and its card's bucket are
 * left joins (a payment without a pending assessment still settles), written as
 * RiskAssessmentRepository.settlePending writes them.
 *
 * @example
 * ```ts
 * await writer.change(trx, payment, { status: 'captured', amount_captured: 1000, operation_in_progress: null }, now, undefined,
 *   settlingJoin(op, { kind: 'approved', authorizationCode: '123456', rrn: undefined, bankReference: undefined }, now, 'approved'));
 * ```
 */
export function settlingJoin(op: BankOperation, result: SettledBankResult, now: number, riskOutcome: AssessmentOutcome | undefined): JoinedWrite {
  const opPatch: Record<string, SqlValue> = { ...settledOperationPatch(result), updated_at: now };
  const opColumns = Object.keys(opPatch);
  let joins = "JOIN bank_operations o ON o.id = ? AND o.status = 'pending'";
  let sets = opColumns.map((c) => `o.${c} = ?`).join(', ');
  const setBindings: SqlValue[] = opColumns.map((c) => opPatch[c] ?? null);
  if (riskOutcome !== undefined && riskOutcome !== 'pending') {
    // The payment's pending assessment and its card's bucket, as settlePending writes them (pending-assessment-sql.ts).
    joins += ` LEFT JOIN ${PENDING_ASSESSMENT.table} ON a.merchant_id = p.merchant_id AND a.livemode = p.livemode AND a.payment_id = p.id AND a.outcome = 'pending'
      ${PENDING_ASSESSMENT.cardBucketJoin}`;
    sets += `, ${PENDING_ASSESSMENT.sets}`;
    setBindings.push(...pendingAssessmentSetBindings(riskOutcome, now));
  }
  return { joins, joinBindings: [op.id], sets, setBindings };
}
