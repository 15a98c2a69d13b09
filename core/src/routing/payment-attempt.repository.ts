import { injectable } from 'tsyringe';
import { Queryable } from '../db/database';
import type { PaymentAttemptsTable } from '../db/tables';
import { MerchantContext } from '../merchants/merchant-context';
import { BankResult } from '../banks/bank-adapter';

/** A bank result's kind, or `skipped` when an open breaker kept the connection from being asked. */
export type AttemptResult = BankResult['kind'] | 'skipped';

/** One try to authorize a payment at one connection, as the API shows it. */
export interface PaymentAttempt {
  readonly id: string;
  readonly paymentId: string;
  readonly operationId: string;
  readonly connectionId: string | null;
  readonly bankCode: string;
  readonly adapterCode: string;
  readonly reason: string;
  readonly result: AttemptResult;
  readonly failureCode: string | null;
  /** The operation's status now: an `unknown` attempt shows here how the reconciler settled it. */
  readonly operationStatus: string | null;
  readonly createdAt: number;
}

export function attemptView(a: PaymentAttempt): Record<string, unknown> {
  return {
    id: a.id,
    object: 'payment_attempt',
    operation: a.operationId,
    bank_connection: a.connectionId,
    bank: a.bankCode,
    adapter: a.adapterCode,
    reason: a.reason,
    result: a.result,
    failure_code: a.failureCode,
    operation_status: a.operationStatus,
    created: a.createdAt,
  };
}

/** The route facts an authorization's operation row carries: it is also the attempt. */
export function attemptRoute(candidate: { readonly connectionId: string | undefined; readonly bankCode: string; readonly reason: string }): {
  connectionId: string | null;
  bankCode: string;
  reason: string;
} {
  return { connectionId: candidate.connectionId ?? null, bankCode: candidate.bankCode, reason: candidate.reason };
}

/** An attempt's result as its operation's status tells it, where no result was written: a status that is final says it. */
const RESULT_OF_STATUS: Readonly<Record<string, AttemptResult>> = {
  succeeded: 'approved',
  declined: 'declined',
  failed: 'technical_failure',
  action_required: 'action_required',
  pending: 'unknown',
};

/**
 * Authorization attempts. Since migration 043 an attempt is its bank operation row
 * (`bank_operations.connection_id`, `bank_code`, `route_reason`), written pending in
 * the confirm's first transaction: no statement or commit of its own between the
 * bank's answer and the outcome, and the reconciler knows the connection even if the
 * process dies right after asking. The result is the operation's status, except where
 * the status alone would tell it wrong (`markResult`: unknown, action required,
 * skipped). Attempts recorded before 043 stay in `payment_attempts` and are listed
 * with the others.
 *
 * @example
 * ```ts
 * await operations.create(trx, { ...op }, now, attemptRoute(plan[0]));
 * const attempts = await repository.listForPayment(db, ctx, paymentId);
 * ```
 */
@injectable()
export class PaymentAttemptRepository {
  /** The connection an operation was sent through, if routing chose one (live mode). */
  async connectionOf(q: Queryable, ctx: MerchantContext, operationId: string): Promise<string | undefined> {
    const row = await q('bank_operations as o')
      .leftJoin('payment_attempts as a', function () {
        this.on('a.operation_id', '=', 'o.id').andOn('a.merchant_id', '=', 'o.merchant_id');
      })
      .select<Array<{ own: string | null; legacy: string | null }>>('o.connection_id as own', 'a.connection_id as legacy')
      .where({ 'o.id': operationId, 'o.merchant_id': ctx.merchantId, 'o.livemode': ctx.livemode })
      .first();
    const id = row?.own ?? row?.legacy;
    return id === null || id === undefined ? undefined : String(id);
  }

  /** Writes an attempt's result where the operation's final status would not tell it. */
  async markResult(q: Queryable, operationId: string, result: AttemptResult): Promise<void> {
    await q('bank_operations').where({ id: operationId }).update({ attempt_result: result });
  }

  async listForPayment(q: Queryable, ctx: MerchantContext, paymentId: string): Promise<PaymentAttempt[]> {
    const [legacy, operations] = await Promise.all([
      q('payment_attempts as a')
        .leftJoin('bank_operations as o', 'o.id', 'a.operation_id')
        .where({ 'a.merchant_id': ctx.merchantId, 'a.livemode': ctx.livemode, 'a.payment_id': paymentId })
        .orderBy('a.seq', 'asc')
        .select<Array<PaymentAttemptsTable & { operation_status: string | null }>>('a.*', 'o.status as operation_status'),
      q('bank_operations')
        .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, payment_id: paymentId })
        .whereNotNull('bank_code')
        .orderBy('seq', 'asc'),
    ]);
    const old = legacy.map((r) => ({
      id: String(r.id),
      paymentId: String(r.payment_id),
      operationId: String(r.operation_id),
      connectionId: r.connection_id === null ? null : String(r.connection_id),
      bankCode: String(r.bank_code),
      adapterCode: String(r.adapter_code),
      reason: String(r.reason),
      result: r.result as AttemptResult,
      failureCode: r.failure_code === null ? null : String(r.failure_code),
      operationStatus: r.operation_status === null || r.operation_status === undefined ? null : String(r.operation_status),
      createdAt: Number(r.created_at),
    }));
    const recorded = new Set(old.map((a) => a.operationId));
    const own = operations
      .filter((r) => !recorded.has(String(r.id)))
      .map((r) => {
        const status = String(r.status);
        const result =
          r.attempt_result === null || r.attempt_result === undefined ? (RESULT_OF_STATUS[status] ?? 'unknown') : (String(r.attempt_result) as AttemptResult);
        return {
          // One row, one try: the attempt's id is the operation's, with the attempt's prefix.
          id: `att_${String(r.id).replace(/^op_/, '')}`,
          paymentId: String(r.payment_id),
          operationId: String(r.id),
          connectionId: r.connection_id === null || r.connection_id === undefined ? null : String(r.connection_id),
          bankCode: String(r.bank_code),
          adapterCode: String(r.adapter_code),
          reason: String(r.route_reason ?? ''),
          result,
          failureCode:
            (result === 'declined' || result === 'technical_failure' || result === 'skipped') && r.failure_code !== null && r.failure_code !== undefined
              ? String(r.failure_code)
              : null,
          operationStatus: status,
          createdAt: Number(r.created_at),
        };
      });
    return [...old, ...own].sort((a, b) => a.createdAt - b.createdAt);
  }
}
