/**
 * A top-up's life: `awaiting_payment` (the buyer is on the hosted page) → `paid`
 * (captured; waiting for delivery) → `sending` (a send is in flight) → `delivered`;
 * or `unknown` (timed out or `pending`: inquire next) → `delivered` / `paid` (the
 * provider never saw it: send again) / `refund_pending` (rejected) → `refunded`.
 * `canceled` when the payment was canceled before capture.
 */
export const TOP_UP_STATUSES = ['awaiting_payment', 'paid', 'sending', 'unknown', 'delivered', 'refund_pending', 'refunded', 'canceled'] as const;
export type TopUpStatus = (typeof TOP_UP_STATUSES)[number];

/** Statuses in which a top-up counts against the daily limits (it may still credit the phone). */
export const COUNTED_STATUSES: readonly TopUpStatus[] = ['awaiting_payment', 'paid', 'sending', 'unknown', 'delivered'];

export interface TopUp {
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly token: string;
  readonly phone: string;
  readonly operatorInn: string;
  readonly operatorName: string;
  readonly amount: number;
  readonly fee: number;
  readonly total: number;
  readonly currency: string;
  readonly email: string | null;
  readonly locale: string;
  readonly paymentId: string | null;
  readonly status: TopUpStatus;
  readonly providerReference: string | null;
  readonly refundId: string | null;
  readonly failureReason: string | null;
  readonly attempts: number;
  readonly createdAt: number;
}

export function topUpFromRow(r: Record<string, unknown>): TopUp {
  const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  return {
    id: String(r.id),
    merchantId: String(r.merchant_id),
    livemode: Boolean(r.livemode),
    token: String(r.token),
    phone: String(r.phone),
    operatorInn: String(r.operator_inn),
    operatorName: String(r.operator_name),
    amount: Number(r.amount),
    fee: Number(r.fee),
    total: Number(r.total),
    currency: String(r.currency),
    email: text(r.email),
    locale: String(r.locale),
    paymentId: text(r.payment_id),
    status: String(r.status) as TopUpStatus,
    providerReference: text(r.provider_reference),
    refundId: text(r.refund_id),
    failureReason: text(r.failure_reason),
    attempts: Number(r.attempts),
    createdAt: Number(r.created_at),
  };
}
