import { Payment } from './payment';
import { NextAction } from '../banks/bank-adapter';

/**
 * The payment as the API shows it. Card data is brand, BIN and last 4 only.
 *
 * @example
 * ```json
 * { "id": "pay_...", "object": "payment", "status": "captured", "amount": 150000, "currency": "RUB", ... }
 * ```
 */
export interface PaymentView {
  id: string;
  object: 'payment';
  status: string;
  /** What the bank is asked for (net): the amount captures and refunds are limited by. */
  amount: number;
  /** What the merchant asked for, before a confirm's adjustments (a loyalty discount). */
  amount_gross: number;
  /** The discount the adjustments took off: `amount_gross - amount`. */
  amount_discount: number;
  amount_captured: number;
  amount_refunded: number;
  currency: string;
  order_id: string;
  description: string | null;
  capture_method: string;
  livemode: boolean;
  payment_url: string;
  return_url: string | null;
  customer_email: string | null;
  metadata: Record<string, string>;
  failure_code: string | null;
  failure_message: string | null;
  card: { brand: string; bin: string; last4: string; exp_month: number; exp_year: number } | null;
  /** Transaction monitoring's score, decision and the reasons of the rules that fired (docs/risk.md). */
  risk: Payment['risk'];
  /** The hosted page's language, when the shop chose one. */
  locale: string | null;
  /** The 3-D Secure authentication: ECI and transStatus (Y, A, N, R, U); null when none took place. */
  three_d_secure: { eci: string | null; status: string } | null;
  /** The customer the payment is for (`cus_...`), when the shop named one. */
  customer: string | null;
  /** Keep the card after a successful payment: buyer-present payments only (on_session) or merchant-initiated too (off_session). */
  setup_future_usage: 'on_session' | 'off_session' | null;
  /** A merchant-initiated payment (the buyer absent). */
  off_session: boolean;
  /** The saved payment method (`pm_...`) it was paid with. */
  payment_method: string | null;
  /**
   * While `requires_action` for a payment the buyer completes elsewhere: what to
   * show or where to send the buyer (`display_qr`, `redirect_to_url`) and until when.
   * Null otherwise (a 3-D Secure challenge is the hosted page's business).
   */
  next_action: (NextAction & { expires_at: string | null }) | null;
  created_at: string;
  updated_at: string;
}

export function paymentView(p: Payment, publicUrl: string): PaymentView {
  return {
    id: p.id,
    object: 'payment',
    status: p.status,
    amount: p.amount,
    amount_gross: p.amountGross,
    amount_discount: p.amountDiscount,
    amount_captured: p.amountCaptured,
    amount_refunded: p.amountRefunded,
    currency: p.currency,
    order_id: p.orderId,
    description: p.description,
    capture_method: p.captureMethod,
    livemode: p.livemode,
    payment_url: `${publicUrl}/pay/${p.pageToken}`,
    return_url: p.returnUrl,
    customer_email: p.customerEmail,
    metadata: p.metadata,
    failure_code: p.failureCode,
    failure_message: p.failureMessage,
    card: p.card === null ? null : { brand: p.card.brand, bin: p.card.bin, last4: p.card.last4, exp_month: p.card.expMonth, exp_year: p.card.expYear },
    risk: p.risk,
    locale: p.locale,
    three_d_secure: p.threeDSecure === null ? null : { eci: p.threeDSecure.eci, status: p.threeDSecure.status },
    customer: p.customerId,
    setup_future_usage: p.setupFutureUsage,
    off_session: p.offSession,
    payment_method: p.paymentMethodId,
    next_action:
      p.status !== 'requires_action' || p.nextAction === null
        ? null
        : { ...p.nextAction, expires_at: p.nextActionExpiresAt === null ? null : new Date(p.nextActionExpiresAt).toISOString() },
    created_at: new Date(p.createdAt).toISOString(),
    updated_at: new Date(p.updatedAt).toISOString(),
  };
}
