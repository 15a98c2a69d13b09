import { SettledBankResult } from '../banks/bank-adapter';
import { BankOperation, settledOperationPatch } from '../banks/bank-operation';
import { forcedIndexSql } from '../db/index-hint';
import { BUCKET_MS } from '../monitoring/risk-buckets';
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
    // The payment's assessment through (merchant_id, livemode, payment_id): named, so the optimizer skips estimating the other six indexes (index-hint.ts).
    joins += ` LEFT JOIN ${forcedIndexSql('risk_assessments', 'a', 'risk_assessments_payment')} ON a.merchant_id = p.merchant_id AND a.livemode = p.livemode AND a.payment_id = p.id AND a.outcome = 'pending'
      LEFT JOIN risk_key_buckets b ON b.merchant_id = a.merchant_id AND b.livemode = a.livemode AND b.key_hash = SHA2(CONCAT('card:', a.card_fingerprint), 256)
        AND b.bucket_start = a.created_at - MOD(a.created_at, ${BUCKET_MS}) AND b.currency = a.currency AND b.card_fingerprint = ''`;
    sets += ', a.outcome = ?, a.updated_at = ?, b.pending = GREATEST(b.pending - 1, 0), b.declined = b.declined + ?';
    setBindings.push(riskOutcome, now, riskOutcome === 'declined' ? 1 : 0);
  }
  return { joins, joinBindings: [op.id], sets, setBindings };
}
