import { injectable } from 'tsyringe';
import { Queryable, forUpdate } from '../db/database';
import type { InsertRow } from '../db/tables';
import { MerchantContext } from '../merchants/merchant-context';
import { toMinorUnits } from '../money/money';

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

/** Money returned from a captured payment; several partial refunds may add up to the captured amount. */
export interface Refund {
  readonly id: string;
  readonly paymentId: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly status: RefundStatus;
  readonly amount: number;
  readonly currency: string;
  readonly reason: string | null;
  readonly failureCode: string | null;
  readonly failureMessage: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export function refundFromRow(row: Record<string, unknown>): Refund {
  return {
    id: String(row.id),
    paymentId: String(row.payment_id),
    merchantId: String(row.merchant_id),
    livemode: Boolean(row.livemode),
    status: row.status as RefundStatus,
    amount: toMinorUnits(row.amount),
    currency: String(row.currency),
    reason: (row.reason as string | null) ?? null,
    failureCode: (row.failure_code as string | null) ?? null,
    failureMessage: (row.failure_message as string | null) ?? null,
    createdAt: toMinorUnits(row.created_at),
    updatedAt: toMinorUnits(row.updated_at),
  };
}

export interface RefundView {
  id: string;
  object: 'refund';
  payment_id: string;
  amount: number;
  currency: string;
  status: RefundStatus;
  reason: string | null;
  failure_code: string | null;
  failure_message: string | null;
  livemode: boolean;
  created_at: string;
  updated_at: string;
}

export function refundView(r: Refund): RefundView {
  return {
    id: r.id,
    object: 'refund',
    payment_id: r.paymentId,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    reason: r.reason,
    failure_code: r.failureCode,
    failure_message: r.failureMessage,
    livemode: r.livemode,
    created_at: new Date(r.createdAt).toISOString(),
    updated_at: new Date(r.updatedAt).toISOString(),
  };
}

@injectable()
export class RefundRepository {
  async find(q: Queryable, ctx: MerchantContext, id: string, options: { lock?: boolean } = {}): Promise<Refund | undefined> {
    const query = q('refunds').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
    const row = await (options.lock === true ? forUpdate(q, query) : query);
    return row === undefined ? undefined : refundFromRow(row);
  }

  async findByCreateKey(q: Queryable, ctx: MerchantContext, key: string): Promise<Refund | undefined> {
    const row = await q('refunds').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, create_idempotency_key: key }).first();
    return row === undefined ? undefined : refundFromRow(row);
  }

  /** Newest first; undefined when the cursor names no refund of this payment. */
  async listForPayment(
    q: Queryable,
    ctx: MerchantContext,
    paymentId: string,
    limit: number,
    startingAfter?: string,
  ): Promise<{ refunds: Refund[]; hasMore: boolean } | undefined> {
    const query = q('refunds').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, payment_id: paymentId });
    if (startingAfter !== undefined) {
      const cursor = await q('refunds')
        .select('seq')
        .where({ id: startingAfter, merchant_id: ctx.merchantId, livemode: ctx.livemode, payment_id: paymentId })
        .first();
      if (cursor === undefined) return undefined;
      query.andWhere('seq', '<', cursor.seq);
    }
    const rows = await query.orderBy('seq', 'desc').limit(limit + 1);
    return { refunds: rows.slice(0, limit).map(refundFromRow), hasMore: rows.length > limit };
  }

  async insert(q: Queryable, row: InsertRow<'refunds'>): Promise<Refund> {
    await q('refunds').insert(row);
    return refundFromRow(row);
  }

  async settle(
    q: Queryable,
    refund: Refund,
    patch: { status: RefundStatus; failure_code?: string | null; failure_message?: string | null },
    now: number,
  ): Promise<Refund> {
    await q('refunds')
      .where({ id: refund.id, merchant_id: refund.merchantId, livemode: refund.livemode })
      .update({ ...patch, updated_at: now });
    return { ...refund, status: patch.status, failureCode: patch.failure_code ?? null, failureMessage: patch.failure_message ?? null, updatedAt: now };
  }
}
