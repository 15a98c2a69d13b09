import { Queryable } from '@tender/core';

interface PaymentEvent {
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly type: string;
  readonly objectId: string;
  readonly createdAt: number;
}

/**
 * Moves a top-up on with its payment, in the transaction of the payment's event: a
 * captured payment makes the top-up `paid` (the delivery job picks it up); a canceled
 * one `canceled`. Only rows, as an EventListener must.
 */
export async function onPaymentEvent(q: Queryable, event: PaymentEvent): Promise<void> {
  const next = event.type === 'payment.captured' ? 'paid' : event.type === 'payment.canceled' ? 'canceled' : undefined;
  if (next === undefined) return;
  await q('top_ups')
    .where({ payment_id: event.objectId, merchant_id: event.merchantId, livemode: event.livemode, status: 'awaiting_payment' })
    .update({ status: next, next_attempt_at: event.createdAt, updated_at: event.createdAt });
}
