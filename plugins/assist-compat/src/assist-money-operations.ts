import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock, DATABASE, Database, MerchantContext, Payment, PaymentService, RefundService, TenderError } from '@tender/core';
import { AssistError } from './assist-error';
import { formatAssistAmount } from './assist-amount';
import { assistOrderState } from './assist-order-state';
import { AssistMerchant } from './assist-settings.service';

/** A wscancel.cfm repeated with the same Amount this soon after a refund of that amount is taken for a retry, not a second return. */
export const ASSIST_RETRY_WINDOW_MS = 15 * 60_000;
const REFUND_REASON = 'Assist wscancel.cfm';

/**
 * charge.cfm and wscancel.cfm on Tender payments, safe to repeat: a shop whose call
 * timed out sends it again, and the second call must answer the result of the first
 * instead of capturing or refunding again (Assist requests carry no idempotency key).
 * - charge: an order already charged by that amount (or in full, without Amount) is
 *   answered as it is; two charges at once: core's state machine lets one through,
 *   the other is answered from the state the first left.
 * - cancel: a void of a canceled order, or a full refund of an order with nothing left,
 *   is answered as it is; a partial refund is keyed by the refund state it started
 *   from (two at once make one refund) and a repeat with the same Amount within
 *   ASSIST_RETRY_WINDOW_MS of a refund of that amount is answered as it is.
 * Refusals say what went wrong with amounts in major units ("at most 300.00 RUB").
 *
 * @example
 * ```ts
 * const after = await operations.charge(merchant, payment, 60000); // PartialApproved; again: the same, no second capture
 * ```
 */
@injectable()
export class AssistMoneyOperations {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(PaymentService) private readonly payments: PaymentService,
    @inject(RefundService) private readonly refunds: RefundService,
  ) {}

  async charge(merchant: AssistMerchant, payment: Payment, amount: number | undefined): Promise<Payment> {
    if (alreadyCharged(payment, amount)) return payment;
    if (payment.status !== 'authorized') {
      throw new AssistError(
        'invalid_state',
        `The order is ${assistOrderState(payment)}: only a Delayed (authorized, not yet charged) order can be charged, once.`,
      );
    }
    if (amount !== undefined && amount > payment.amount) {
      throw new AssistError('amount_too_large', `At most ${money(payment.amount, payment.currency)} (the authorized amount) can be charged.`);
    }
    try {
      return await this.payments.capture(contextOf(merchant), payment.id, amount);
    } catch (error) {
      const now = await this.raced(merchant, payment, error);
      if (alreadyCharged(now, amount)) return now;
      throw error;
    }
  }

  async cancel(merchant: AssistMerchant, payment: Payment, amount: number | undefined): Promise<Payment> {
    switch (payment.status) {
      case 'captured':
      case 'partially_refunded':
      case 'refunded':
        return this.refund(merchant, payment, amount);
      case 'canceled':
        if (amount === undefined || amount === payment.amount) return payment;
        throw new AssistError('invalid_state', 'The order is already Canceled.');
      case 'authorized':
        if (amount !== undefined && amount !== payment.amount) {
          throw new AssistError(
            'amount_invalid',
            `Partial voids are not possible: a Delayed (authorized, not charged) order is canceled in full. Send no Amount or the whole ${money(payment.amount, payment.currency)}; to keep part of the money, charge it first, then cancel the rest.`,
          );
        }
        return this.void(merchant, payment);
      case 'pending':
      case 'declined':
      case 'failed':
        if (amount !== undefined && amount !== payment.amount)
          throw new AssistError('amount_invalid', `An unpaid order is closed in full: send no Amount or the whole ${money(payment.amount, payment.currency)}.`);
        return this.void(merchant, payment);
      default:
        throw new AssistError('invalid_state', `The order is ${assistOrderState(payment)}: wait for its result, then cancel it.`);
    }
  }

  private async void(merchant: AssistMerchant, payment: Payment): Promise<Payment> {
    try {
      return await this.payments.cancel(contextOf(merchant), payment.id);
    } catch (error) {
      const now = await this.raced(merchant, payment, error);
      if (now.status === 'canceled') return now;
      throw error;
    }
  }

  private async refund(merchant: AssistMerchant, payment: Payment, amount: number | undefined): Promise<Payment> {
    const left = payment.amountCaptured - payment.amountRefunded - payment.amountRefundPending;
    if (amount === undefined && left <= 0) return payment;
    if (amount !== undefined && (await this.recentRefundOf(merchant, payment, amount))) return payment;
    if (amount !== undefined && amount > left) {
      throw new AssistError(
        'amount_too_large',
        left <= 0
          ? 'Everything charged on this order has been returned already.'
          : `At most ${money(left, payment.currency)} can still be returned on this order.`,
      );
    }
    const refundAmount = amount ?? left;
    // Two identical calls at once start from the same refund state: one key, one refund.
    const key = `assist-wscancel:${payment.id}:${refundAmount}:${payment.amountRefunded + payment.amountRefundPending}`;
    const refund = await this.refunds.create(contextOf(merchant), { payment_id: payment.id, amount: refundAmount, reason: REFUND_REASON }, key);
    if (refund.status === 'failed') throw new AssistError('bank_declined', 'The bank refused the return; nothing was returned.');
    return this.payments.retrieve(contextOf(merchant), payment.id);
  }

  private async recentRefundOf(merchant: AssistMerchant, payment: Payment, amount: number): Promise<boolean> {
    const row = await this.db('refunds')
      .where({ merchant_id: merchant.merchantId, livemode: merchant.livemode, payment_id: payment.id, amount, reason: REFUND_REASON })
      .whereIn('status', ['pending', 'succeeded'])
      .andWhere('created_at', '>', this.clock.now() - ASSIST_RETRY_WINDOW_MS)
      .first();
    return row !== undefined;
  }

  /** After a refusal that a concurrent call may explain, the payment as that call left it. */
  private async raced(merchant: AssistMerchant, payment: Payment, error: unknown): Promise<Payment> {
    if (!(error instanceof TenderError) || (error.code !== 'payment_invalid_state' && error.code !== 'payment_operation_in_progress')) throw error;
    return this.payments.retrieve(contextOf(merchant), payment.id);
  }
}

function alreadyCharged(p: Payment, amount: number | undefined): boolean {
  const charged = p.status === 'captured' || p.status === 'partially_refunded' || p.status === 'refunded';
  return charged && p.amountCaptured === (amount ?? p.amount);
}

function money(minor: number, currency: string): string {
  return `${formatAssistAmount(minor, currency)} ${currency}`;
}

function contextOf(merchant: AssistMerchant): MerchantContext {
  return { merchantId: merchant.merchantId, livemode: merchant.livemode };
}
