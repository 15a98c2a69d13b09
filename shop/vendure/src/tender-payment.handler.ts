import { ConfigService, CreatePaymentErrorResult, CreatePaymentResult, CreateRefundResult, LanguageCode, PaymentMetadata, PaymentMethodHandler } from '@vendure/core';
import { Payment, TenderApiError, TenderConnectionError } from '@tender/client';
import { tenderClientFor } from './tender-method-args';
import { toTenderAmount } from './tender-amount';

/** The handler's `code`: what a payment method's "Payment handler" is set to in the admin. */
export const TENDER_HANDLER_CODE = 'tender';

/** Vendure's MoneyStrategy precision, read once at start-up (2 unless the shop changed it). */
let moneyPrecision = 2;

/**
 * Tender as a Vendure payment method. The buyer pays on Tender's hosted page
 * (started with the `createTenderPaymentIntent` shop mutation); when Tender confirms
 * the payment, the plugin's webhook controller (or the storefront, on the buyer's
 * return) calls `addPaymentToOrder` with `metadata: { tenderPaymentId }`, and
 * `createPayment` reads that payment back from Tender, so only what Tender itself
 * confirms for this order and this amount becomes a Vendure payment: `Authorized`
 * (manual capture; `settlePayment` captures) or `Settled` (autoCapture).
 *
 * @example
 * ```ts
 * // vendure-config.ts
 * plugins: [TenderPlugin.init({})],
 * // then in the admin: Settings -> Payment methods -> handler "Tender", with the
 * // secret key, gateway URL and webhook secret.
 * ```
 */
export const tenderPaymentHandler = new PaymentMethodHandler({
  code: TENDER_HANDLER_CODE,
  description: [{ languageCode: LanguageCode.en, value: 'Tender (hosted payment page)' }],
  args: {
    apiKey: { type: 'string', label: [{ languageCode: LanguageCode.en, value: 'Tender secret key (sk_test_... or sk_live_...)' }], ui: { component: 'password-form-input' } },
    baseUrl: { type: 'string', label: [{ languageCode: LanguageCode.en, value: 'Tender gateway URL (https://pay.example.com)' }] },
    webhookSecret: { type: 'string', label: [{ languageCode: LanguageCode.en, value: 'Webhook signing secret (whsec_...)' }], ui: { component: 'password-form-input' } },
    returnUrl: { type: 'string', required: false, label: [{ languageCode: LanguageCode.en, value: 'Return URL after payment ({orderCode} is replaced)' }] },
    autoCapture: { type: 'boolean', defaultValue: false, label: [{ languageCode: LanguageCode.en, value: 'Capture at once (Settled) instead of when the order is settled (Authorized)' }] },
  },

  init(injector) {
    moneyPrecision = injector.get(ConfigService).entityOptions.moneyStrategy.precision ?? 2;
  },

  async createPayment(_ctx, order, amount, args, metadata): Promise<CreatePaymentResult | CreatePaymentErrorResult> {
    const tenderPaymentId = metadata.tenderPaymentId;
    if (typeof tenderPaymentId !== 'string' || !/^pay_\w+$/.test(tenderPaymentId)) {
      return { amount, state: 'Error', errorMessage: 'No Tender payment: start with the createTenderPaymentIntent mutation; the payment is added when Tender confirms it' };
    }
    let payment: Payment;
    try {
      payment = await tenderClientFor(args).payments.retrieve(tenderPaymentId);
    } catch (error) {
      return { amount, state: 'Error', errorMessage: `Tender: ${reason(error)}` };
    }
    // The id came from outside (a webhook or the storefront): it must be this order's payment, for this amount.
    if (payment.order_id !== order.code || payment.currency !== order.currencyCode) {
      return { amount, state: 'Error', errorMessage: `Tender payment ${payment.id} is not for order ${order.code}` };
    }
    if (payment.amount !== toTenderAmount(amount, order.currencyCode, moneyPrecision)) {
      return { amount, state: 'Error', errorMessage: `Tender payment ${payment.id} is for ${payment.amount} ${payment.currency} minor units, the order still owes ${amount}` };
    }
    const result = { amount, transactionId: payment.id, metadata: paymentMetadata(payment) };
    switch (payment.status) {
      case 'authorized':
        return { ...result, state: 'Authorized' };
      case 'captured':
        return { ...result, state: 'Settled' };
      case 'declined':
      case 'failed':
      case 'canceled':
        return { ...result, state: 'Declined', errorMessage: payment.failure_message ?? `Tender payment ${payment.status}` };
      default:
        return { ...result, state: 'Error', errorMessage: `Tender payment ${payment.id} is ${payment.status}, not paid` };
    }
  },

  /** Captures the authorized amount (nothing to do when it is already captured, e.g. from Tender's dashboard). */
  async settlePayment(_ctx, _order, payment, args) {
    try {
      const client = tenderClientFor(args);
      const current = await client.payments.retrieve(transactionIdOf(payment.transactionId));
      if (current.status === 'captured') return { success: true, metadata: paymentMetadata(current) };
      if (current.status !== 'authorized') return { success: false, errorMessage: `Tender payment ${current.id} is ${current.status}, cannot capture` };
      const captured = await client.payments.capture(current.id, {}, { idempotencyKey: `vendure-settle-${current.id}` });
      return { success: true, metadata: paymentMetadata(captured) };
    } catch (error) {
      return { success: false, errorMessage: `Tender: ${reason(error)}` };
    }
  },

  /** Voids an authorized (or not yet paid) Tender payment. */
  async cancelPayment(_ctx, _order, payment, args) {
    try {
      const client = tenderClientFor(args);
      const current = await client.payments.retrieve(transactionIdOf(payment.transactionId));
      if (current.status === 'canceled') return { success: true, metadata: paymentMetadata(current) };
      const canceled = await client.payments.cancel(current.id, { idempotencyKey: `vendure-cancel-${current.id}` });
      return { success: true, metadata: paymentMetadata(canceled) };
    } catch (error) {
      return { success: false, errorMessage: `Tender: ${reason(error)}` };
    }
  },

  /** Refunds `amount` of a settled payment through Tender. */
  async createRefund(_ctx, input, amount, order, payment, args): Promise<CreateRefundResult> {
    try {
      const refund = await tenderClientFor(args).refunds.create({
        payment_id: transactionIdOf(payment.transactionId),
        amount: toTenderAmount(amount, order.currencyCode, moneyPrecision),
        ...(input.reason ? { reason: input.reason.slice(0, 500) } : {}),
      });
      const state = refund.status === 'succeeded' ? 'Settled' : refund.status === 'pending' ? 'Pending' : 'Failed';
      return { state, transactionId: refund.id, metadata: { tenderRefundId: refund.id, tenderStatus: refund.status, failure: refund.failure_message } };
    } catch (error) {
      return { state: 'Failed', metadata: { errorMessage: `Tender: ${reason(error)}` } };
    }
  },
});

function transactionIdOf(transactionId: string | undefined): string {
  if (transactionId === undefined || !transactionId.startsWith('pay_')) throw new Error('the Vendure payment has no Tender payment id (transactionId)');
  return transactionId;
}

/** What the Vendure payment keeps; `public` is what the shop API shows the buyer. */
function paymentMetadata(p: Payment): PaymentMetadata {
  return {
    tenderPaymentId: p.id,
    tenderStatus: p.status,
    amountCaptured: p.amount_captured,
    amountRefunded: p.amount_refunded,
    public: { paymentUrl: p.payment_url, card: p.card === null ? null : `${p.card.brand} ${p.card.last4}` },
  };
}

function reason(error: unknown): string {
  if (error instanceof TenderApiError) return `${error.code}: ${error.message}`;
  if (error instanceof TenderConnectionError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
