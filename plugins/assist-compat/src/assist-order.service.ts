import { inject, injectable } from 'tsyringe';
import { CONFIG, DATABASE, Database, MerchantContext, Payment, PaymentService, RefundService, TenderConfig, paymentFromRow, paymentView } from '@tender/core';
import { AssistError } from './assist-error';
import { AssistMerchant } from './assist-settings.service';

/** An order as order.cfm and payrequest.cfm take it, already checked and converted. */
export interface AssistOrderInput {
  readonly orderNumber: string;
  readonly amount: number;
  readonly currency: string;
  readonly comment: string | undefined;
  readonly twoStage: boolean;
  readonly returnUrl: string | undefined;
  readonly metadata: Record<string, string>;
}

/** Statuses in which the buyer can still pay: a new form POST for the same order reuses the payment. */
const PAYABLE = new Set(['pending', 'declined', 'failed']);
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
  ) {}

  /** Creates the payment, or reuses the still-payable one a repeated POST of the same order made. */
  async open(merchant: AssistMerchant, input: AssistOrderInput): Promise<{ payment: Payment; paymentUrl: string }> {
    const { payments } = await this.payments.list(contextOf(merchant), { orderId: input.orderNumber, limit: 20 });
    const captureMethod = input.twoStage ? 'manual' : 'automatic';
    const reusable = payments.find((p) => PAYABLE.has(p.status) && p.amount === input.amount && p.currency === input.currency && p.captureMethod === captureMethod);
    const payment =
      reusable ??
      (await this.payments.create(contextOf(merchant), {
        amount: input.amount,
        currency: input.currency,
        order_id: input.orderNumber,
        description: input.comment,
        capture_method: captureMethod,
        return_url: input.returnUrl,
        metadata: input.metadata,
      }));
    return { payment, paymentUrl: paymentView(payment, this.config.publicUrl).payment_url };
  }

  async byBillnumber(merchant: AssistMerchant, billnumber: string): Promise<Payment> {
    if (!/^pay_[0-9A-Za-z]{1,40}$/.test(billnumber)) throw new AssistError('payment_not_found');
    return this.payments.retrieve(contextOf(merchant), billnumber);
  }

  async byOrderNumber(merchant: AssistMerchant, orderNumber: string): Promise<Payment[]> {
    const rows = await this.db('payments').where({ merchant_id: merchant.merchantId, livemode: merchant.livemode, order_id: orderNumber }).orderBy('seq', 'asc').limit(LISTING_LIMIT);
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
    return (row?.authorization_code as string | null | undefined) ?? '';
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
function contextOf(merchant: AssistMerchant): MerchantContext {
  return { merchantId: merchant.merchantId, livemode: merchant.livemode };
}
