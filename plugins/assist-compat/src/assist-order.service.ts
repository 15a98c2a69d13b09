import { inject, injectable } from 'tsyringe';
import { CONFIG, DATABASE, Database, MerchantContext, Payment, PaymentService, RefundService, TenderConfig, paymentFromRow, paymentView } from '@tender/core';
import { AssistError } from './assist-error';
import { AssistMerchant } from './assist-settings.service';
import { AssistOrderBook } from './assist-order-book';

/** An order as order.cfm and payrequest.cfm take it, already checked and converted. */
export interface AssistOrderInput {
  readonly orderNumber: string;
  readonly amount: number;
  readonly currency: string;
  readonly comment: string | undefined;
  readonly twoStage: boolean;
  readonly returnUrl: string | undefined;
  readonly metadata: Record<string, string>;
  /** RecurringIndicator=1: save the card for rp.cfm (its limits are in `metadata`). */
  readonly recurring: boolean;
}

/** Statuses in which the order's money is taken (or was, and given back): a repeat is refused. */
const PAID = new Set(['authorized', 'captured', 'partially_refunded', 'refunded']);
const LISTING_LIMIT = 1000;

/**
 * Assist's operations on Tender payments, always inside one Assist merchant's
 * merchant id and mode. Every state change goes through the core services.
 *
 * @example
 * ```ts
 * const { payment, paymentUrl } = await orders.open(merchant, input);
 * await orders.charge(merchant, payment.id, 50000);
 * ```
 */
@injectable()
export class AssistOrderService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(PaymentService) private readonly payments: PaymentService,
    @inject(RefundService) private readonly refunds: RefundService,
    @inject(AssistOrderBook) private readonly book: AssistOrderBook,
  ) {}

  /**
   * The order's one payment (assist-order-book.ts): made by the first post of the
   * order number, shown again to a repeat with the same terms while it can still be
   * paid; a repeat of a paid (or canceled) order is refused, as is one with another
   * amount, currency or Delay. With `customerFor` (RecurringIndicator=1) the card is
   * saved for merchant-initiated payments (rp.cfm) once the payment succeeds.
   */
  async open(merchant: AssistMerchant, input: AssistOrderInput, customerFor?: () => Promise<string>): Promise<{ payment: Payment; paymentUrl: string }> {
    const ctx = contextOf(merchant);
    const terms = { orderNumber: input.orderNumber, amount: input.amount, currency: input.currency, twoStage: input.twoStage, kind: 'order' as const };
    const { payment } = await this.book.paymentFor(ctx, terms, async (key) => {
      // Only the post that makes the payment makes its customer.
      const customer = customerFor === undefined ? undefined : await customerFor();
      return this.payments.create(
        ctx,
        {
          amount: input.amount,
          currency: input.currency,
          order_id: input.orderNumber,
          description: input.comment,
          capture_method: input.twoStage ? 'manual' : 'automatic',
          return_url: input.returnUrl,
          metadata: input.metadata,
          ...(customer === undefined ? {} : { customer, setup_future_usage: 'off_session' as const }),
        },
        key,
      );
    });
    if (PAID.has(payment.status)) throw new AssistError('order_paid', `Its payment ${payment.id} is ${payment.status}.`);
    if (payment.status === 'canceled') throw new AssistError('order_closed');
    return { payment, paymentUrl: paymentView(payment, this.config.publicUrl).payment_url };
  }

  async byBillnumber(merchant: AssistMerchant, billnumber: string): Promise<Payment> {
    if (!/^pay_[0-9A-Za-z]{1,40}$/.test(billnumber)) throw new AssistError('payment_not_found');
    return this.payments.retrieve(contextOf(merchant), billnumber);
  }

  async byOrderNumber(merchant: AssistMerchant, orderNumber: string): Promise<Payment[]> {
    const rows = await this.db('payments')
      .where({ merchant_id: merchant.merchantId, livemode: merchant.livemode, order_id: orderNumber })
      .orderBy('seq', 'asc')
      .limit(LISTING_LIMIT);
    return rows.map(paymentFromRow);
  }

  /** Payments created in [from, to), oldest first, at most 1000. */
  async createdBetween(merchant: AssistMerchant, from: number, to: number): Promise<Payment[]> {
    const rows = await this.db('payments')
      .where({ merchant_id: merchant.merchantId, livemode: merchant.livemode })
      .andWhere('created_at', '>=', from)
      .andWhere('created_at', '<', to)
      .orderBy('seq', 'asc')
      .limit(LISTING_LIMIT);
    return rows.map(paymentFromRow);
  }

  /** The bank's approval code of the payment's authorization, or '' when there is none. */
  async approvalCode(payment: { readonly id: string; readonly merchantId: string; readonly livemode: boolean }): Promise<string> {
    const row = await this.db('bank_operations')
      .where({ payment_id: payment.id, merchant_id: payment.merchantId, livemode: payment.livemode, status: 'succeeded' })
      .whereIn('kind', ['authorize', 'sale'])
      .orderBy('seq', 'desc')
      .first();
    return row?.authorization_code ?? '';
  }

  /** charge.cfm: captures a two-stage payment, in full or in part. */
  async charge(merchant: AssistMerchant, billnumber: string, amount: number | undefined): Promise<Payment> {
    const payment = await this.byBillnumber(merchant, billnumber);
    return this.payments.capture(contextOf(merchant), payment.id, amount);
  }

  /**
   * wscancel.cfm: voids an authorization (in full only: Tender has no partial void),
   * refunds a charged payment (in full or in part), or closes an unpaid order.
   */
  async cancel(merchant: AssistMerchant, billnumber: string, amount: number | undefined): Promise<Payment> {
    const payment = await this.byBillnumber(merchant, billnumber);
    if (payment.status === 'captured' || payment.status === 'partially_refunded') {
      const refund = await this.refunds.create(contextOf(merchant), { payment_id: payment.id, amount, reason: 'Assist wscancel.cfm' });
      if (refund.status === 'failed') throw new AssistError('bank_declined');
      return this.payments.retrieve(contextOf(merchant), payment.id);
    }
    if (amount !== undefined && amount !== payment.amount) {
      throw new AssistError('amount_invalid', 'An order that is not charged is canceled in full: send its whole amount or none.');
    }
    return this.payments.cancel(contextOf(merchant), payment.id);
  }
}

/** Only who is asking goes to the core services, never the SALT riding on an AssistMerchant. */
export function contextOf(merchant: AssistMerchant): MerchantContext {
  return { merchantId: merchant.merchantId, livemode: merchant.livemode };
}
