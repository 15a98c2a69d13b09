import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock, DATABASE, Database, MerchantContext, Payment, TenderError, isUniqueViolation, paymentFromRow } from '@tender/core';
import { AssistError } from './assist-error';

/** What an order number is bound to by its first post. */
export interface AssistOrderTerms {
  readonly orderNumber: string;
  readonly amount: number;
  readonly currency: string;
  readonly twoStage: boolean;
  /** `order`: order.cfm / payrequest.cfm; `recurring`: rp.cfm. */
  readonly kind: 'order' | 'recurring';
}

/** Makes the order's one payment, created with this idempotency key (core's create). */
export type AssistPaymentMaker = (idempotencyKey: string) => Promise<Payment>;

interface OrderRow {
  readonly seq: number;
  readonly terms: AssistOrderTerms;
  readonly paymentId: string | null;
  readonly createdAt: number;
}

/**
 * One Assist order number, one payment, per merchant and mode. The first post of an
 * order number claims it (`assist_orders`, unique on merchant, mode and number) with
 * its amount, currency and payment mode; every later post, however concurrent, reads
 * that claim: other terms are refused (order_changed), the same terms get the same
 * payment. The payment itself is created with an idempotency key made of the order
 * number, and a claim without its payment first looks for one made under that key, so
 * a crash between creating it and recording it never leads to a second one.
 *
 * @example
 * ```ts
 * const { payment } = await book.paymentFor(ctx, { orderNumber: 'A-1', amount: 150000, currency: 'RUB', twoStage: false, kind: 'order' },
 *   (key) => payments.create(ctx, { amount: 150000, currency: 'RUB', order_id: 'A-1', capture_method: 'automatic' }, key));
 * ```
 */
@injectable()
export class AssistOrderBook {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async paymentFor(ctx: MerchantContext, terms: AssistOrderTerms, make: AssistPaymentMaker): Promise<{ payment: Payment; created: boolean }> {
    const row = await this.claim(ctx, terms);
    assertSameTerms(row.terms, terms);
    if (row.paymentId !== null) return { payment: await this.payment(ctx, row.paymentId), created: false };
    const left = await this.markedPayment(ctx, row);
    if (left !== undefined) return { payment: await this.record(ctx, row, left), created: false };
    try {
      const payment = await make(keyOf(terms.orderNumber));
      return { payment: await this.record(ctx, row, payment), created: true };
    } catch (error) {
      await this.release(ctx, row);
      // A concurrent post of the same order made its payment with other details (a recurring order's customer).
      if (error instanceof TenderError && error.code === 'idempotency_key_reused')
        throw new AssistError('invalid_state', 'The same order is being created by another request; ask for its state with orderstate.cfm.');
      throw error;
    }
  }

  /** The claim of this order number: an existing one, or a new one (the winner's when two posts race). */
  private async claim(ctx: MerchantContext, terms: AssistOrderTerms): Promise<OrderRow> {
    const existing = await this.find(ctx, terms.orderNumber);
    if (existing !== undefined) return existing;
    // An order paid before this table existed keeps its payment (the newest one of that order number).
    const legacy = await this.db('payments')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, order_id: terms.orderNumber })
      .orderBy('seq', 'desc')
      .first();
    const bound = legacy === undefined ? terms : termsOfPayment(paymentFromRow(legacy), terms.kind);
    try {
      await this.db('assist_orders').insert({
        merchant_id: ctx.merchantId,
        livemode: ctx.livemode,
        order_number: terms.orderNumber,
        amount: bound.amount,
        currency: bound.currency,
        two_stage: bound.twoStage,
        kind: bound.kind,
        payment_id: legacy === undefined ? null : String(legacy.id),
        created_at: this.clock.now(),
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const row = await this.find(ctx, terms.orderNumber);
    if (row === undefined) throw new AssistError('invalid_state', 'The same order is being created by another request; try again.');
    return row;
  }

  private async find(ctx: MerchantContext, orderNumber: string): Promise<OrderRow | undefined> {
    const row = await this.db('assist_orders').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, order_number: orderNumber }).first();
    if (row === undefined) return undefined;
    return {
      seq: Number(row.seq),
      paymentId: row.payment_id === null ? null : String(row.payment_id),
      createdAt: Number(row.created_at),
      terms: {
        orderNumber,
        amount: Number(row.amount),
        currency: String(row.currency),
        twoStage: Boolean(row.two_stage),
        kind: row.kind === 'recurring' ? 'recurring' : 'order',
      },
    };
  }

  /**
   * A payment this claim made before the process stopped, not yet recorded: the one
   * under the order's idempotency key, or (core frees a key after its retention
   * period) one of this order number created since the claim with its key freed.
   */
  private async markedPayment(ctx: MerchantContext, row: OrderRow): Promise<Payment | undefined> {
    const found = await this.db('payments')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, order_id: row.terms.orderNumber })
      .andWhere((q) =>
        q
          .where({ create_idempotency_key: keyOf(row.terms.orderNumber) })
          .orWhere((freed) => freed.whereNull('create_idempotency_key').andWhere('created_at', '>=', row.createdAt)),
      )
      .orderBy('seq', 'asc')
      .first();
    return found === undefined ? undefined : paymentFromRow(found);
  }

  private async record(ctx: MerchantContext, row: OrderRow, payment: Payment): Promise<Payment> {
    await this.db('assist_orders')
      .where({ seq: row.seq, merchant_id: ctx.merchantId, livemode: ctx.livemode })
      .whereNull('payment_id')
      .update({ payment_id: payment.id });
    const now = await this.find(ctx, row.terms.orderNumber);
    // Recorded by a concurrent post meanwhile: by the same idempotency key that is this very payment.
    return now?.paymentId === null || now?.paymentId === undefined || now.paymentId === payment.id ? payment : this.payment(ctx, now.paymentId);
  }

  /**
   * A post whose payment was refused before anything was written (bad input, the
   * merchant may not take payments) leaves no claim behind, so the shop may post the
   * order again with other terms. A payment written despite the error is recorded.
   */
  private async release(ctx: MerchantContext, row: OrderRow): Promise<void> {
    const made = await this.markedPayment(ctx, row);
    if (made !== undefined) {
      await this.record(ctx, row, made);
      return;
    }
    await this.db('assist_orders').where({ seq: row.seq, merchant_id: ctx.merchantId, livemode: ctx.livemode }).whereNull('payment_id').delete();
  }

  private async payment(ctx: MerchantContext, id: string): Promise<Payment> {
    const row = await this.db('payments').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
    if (row === undefined) throw new AssistError('payment_not_found');
    return paymentFromRow(row);
  }
}

/** Core's idempotency key of an order's payment: one per order number, whoever posts it. */
function keyOf(orderNumber: string): string {
  return `assist-order:${orderNumber}`;
}

function termsOfPayment(p: Payment, kind: AssistOrderTerms['kind']): AssistOrderTerms {
  return { orderNumber: p.orderId, amount: p.amount, currency: p.currency, twoStage: p.captureMethod === 'manual', kind };
}

function assertSameTerms(bound: AssistOrderTerms, posted: AssistOrderTerms): void {
  const differs: string[] = [];
  if (bound.amount !== posted.amount || bound.currency !== posted.currency) differs.push('amount or currency');
  if (bound.twoStage !== posted.twoStage) differs.push('Delay (one- or two-stage)');
  if (bound.kind !== posted.kind)
    differs.push(bound.kind === 'recurring' ? 'kind (it is a recurring payment of rp.cfm)' : 'kind (it is an order of order.cfm)');
  if (differs.length > 0) throw new AssistError('order_changed', `Its ${differs.join(' and ')} differ from the first post of this OrderNumber.`);
}
