import { injectable } from 'tsyringe';
import { Queryable, forUpdate } from '../db/database';
import { usingIndex } from '../db/index-hint';
import type { InsertRow } from '../db/tables';
import { MerchantContext } from '../merchants/merchant-context';
import { Payment, PaymentPatch, paymentFromRow } from './payment';
import { PaymentStatus } from './payment-state-machine';
import type { JoinedWrite } from './settling-update';

export interface PaymentListFilter {
  readonly orderId?: string | undefined;
  readonly status?: PaymentStatus | undefined;
  readonly limit: number;
  readonly startingAfter?: string | undefined;
  /** Epoch ms: only payments whose updated_at is at or after it. */
  readonly updatedSince?: number | undefined;
}

/**
 * Reads and writes `payments` rows, always scoped to one merchant and mode.
 * Writes compare the row version so a lost update cannot slip through even where
 * a dialect has no row locks.
 */
@injectable()
export class PaymentRepository {
  async find(q: Queryable, ctx: MerchantContext, id: string, options: { lock?: boolean } = {}): Promise<Payment | undefined> {
    const query = q('payments').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
    const row = await (options.lock === true ? forUpdate(q, query) : query);
    return row === undefined ? undefined : paymentFromRow(row);
  }

  async findByCreateKey(q: Queryable, ctx: MerchantContext, key: string): Promise<Payment | undefined> {
    const row = await q('payments').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, create_idempotency_key: key }).first();
    return row === undefined ? undefined : paymentFromRow(row);
  }

  /** Inserts a payment row and returns its seq (the insert id on both dialects). */
  async insert(q: Queryable, row: InsertRow<'payments'>): Promise<number> {
    const [seq] = await q('payments').insert(row);
    return Number(seq);
  }

  /** Applies a patch if nobody changed the row since `payment` was read. */
  async update(q: Queryable, payment: Payment, patch: PaymentPatch, now: number, joined?: JoinedWrite): Promise<void> {
    if (joined !== undefined) return this.updateJoined(q, payment, patch, now, joined);
    // The id's unique index names the row; without the hint MariaDB also estimates every (merchant_id, livemode, ...) index (index-hint.ts).
    const changed = await q(usingIndex(q, 'payments', 'payments_id_unique'))
      .where({ id: payment.id, merchant_id: payment.merchantId, livemode: payment.livemode, version: payment.version })
      .update({ ...patch, version: payment.version + 1, updated_at: now });
    if (changed !== 1) throw new ConcurrentPaymentUpdateError(payment.id);
  }

  /**
   * MySQL/MariaDB only: the payment's conditional UPDATE and `joined`'s rows in one
   * multi-table UPDATE (settling-update.ts). Nothing matched: the payment moved, or a
   * joined condition failed; the caller re-reads to learn which.
   */
  private async updateJoined(q: Queryable, payment: Payment, patch: PaymentPatch, now: number, joined: JoinedWrite): Promise<void> {
    const values = Object.entries({ ...patch, version: payment.version + 1, updated_at: now }).filter(([, v]) => v !== undefined);
    const sql = `UPDATE payments p ${joined.joins} SET ${values.map(([c]) => `p.\`${c}\` = ?`).join(', ')}, ${joined.sets}
      WHERE p.id = ? AND p.merchant_id = ? AND p.livemode = ? AND p.version = ?`;
    const [result] = (await q.raw(sql, [
      ...joined.joinBindings,
      ...values.map(([, v]) => v),
      ...joined.setBindings,
      payment.id,
      payment.merchantId,
      payment.livemode,
      payment.version,
    ])) as [{ affectedRows: number }];
    if (result.affectedRows === 0) throw new ConcurrentPaymentUpdateError(payment.id);
  }

  async list(q: Queryable, ctx: MerchantContext, filter: PaymentListFilter): Promise<{ payments: Payment[]; hasMore: boolean } | undefined> {
    const query = q('payments').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode });
    if (filter.orderId !== undefined) query.andWhere('order_id', filter.orderId);
    if (filter.status !== undefined) query.andWhere('status', filter.status);
    if (filter.updatedSince !== undefined) query.andWhere('updated_at', '>=', filter.updatedSince);
    if (filter.startingAfter !== undefined) {
      const cursor = await q('payments').select('seq').where({ id: filter.startingAfter, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
      if (cursor === undefined) return undefined;
      query.andWhere('seq', '<', cursor.seq);
    }
    const rows = await query.orderBy('seq', 'desc').limit(filter.limit + 1);
    return { payments: rows.slice(0, filter.limit).map(paymentFromRow), hasMore: rows.length > filter.limit };
  }
}

export class ConcurrentPaymentUpdateError extends Error {
  constructor(id: string) {
    super(`payment ${id} was changed concurrently`);
  }
}
