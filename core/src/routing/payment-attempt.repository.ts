import { injectable } from 'tsyringe';
import { Queryable } from '../db/database';
import { newId } from '../ids/ids';
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

@injectable()
export class PaymentAttemptRepository {
  /** The connection an operation was sent through, if routing chose one (live mode). */
  async connectionOf(q: Queryable, ctx: MerchantContext, operationId: string): Promise<string | undefined> {
    const row = await q('payment_attempts').select('connection_id').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, operation_id: operationId }).first();
    return row?.connection_id === null || row?.connection_id === undefined ? undefined : String(row.connection_id);
  }

  async record(q: Queryable, ctx: MerchantContext, input: Omit<PaymentAttempt, 'id' | 'createdAt' | 'operationStatus'>, now: number): Promise<void> {
    await q('payment_attempts').insert({
      id: newId('att'),
      merchant_id: ctx.merchantId,
      livemode: ctx.livemode,
      payment_id: input.paymentId,
      operation_id: input.operationId,
      connection_id: input.connectionId,
      bank_code: input.bankCode,
      adapter_code: input.adapterCode,
      reason: input.reason.slice(0, 500),
      result: input.result,
      failure_code: input.failureCode,
      created_at: now,
    });
  }

  async listForPayment(q: Queryable, ctx: MerchantContext, paymentId: string): Promise<PaymentAttempt[]> {
    const rows = (await q('payment_attempts as a')
      .leftJoin('bank_operations as o', 'o.id', 'a.operation_id')
      .where({ 'a.merchant_id': ctx.merchantId, 'a.livemode': ctx.livemode, 'a.payment_id': paymentId })
      .orderBy('a.seq', 'asc')
      .select('a.*', 'o.status as operation_status')) as Record<string, unknown>[];
    return rows.map((r) => ({
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
  }
}
