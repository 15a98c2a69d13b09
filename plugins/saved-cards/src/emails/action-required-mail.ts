import { Queryable, formatAmount, paymentView } from '@tender/core';
import { ListenedEvent, customerPaymentOfEvent } from '../events/payment-event';
import { SavedCardsDeps } from '../saved-cards-deps';
import { CUSTOMER_EMAILS, maskedCard, merchantName } from './customer-mail';

const ACTION_EVENTS = new Set(['payment.requires_action']);

/**
 * When a merchant-initiated payment goes to requires_action (the issuer wants the
 * buyer to authenticate, e.g. test card 4000 0027 6000 3184), the customer gets an
 * e-mail with the payment's page (`payment_url`), where the 3-D Secure challenge
 * waits. Queued in the transaction that records `payment.requires_action`, so the
 * state change and the e-mail commit together; the e-mail dispatcher sends it.
 *
 * @example
 * ```ts
 * ctx.registerEventListener({ onEvent: (q, event) => actionMail.onEvent(q, event) });
 * ```
 */
export class ActionRequiredMail {
  constructor(private readonly deps: SavedCardsDeps) {}

  async onEvent(q: Queryable, event: ListenedEvent): Promise<void> {
    const found = await customerPaymentOfEvent(this.deps, q, event, ACTION_EVENTS);
    if (found === undefined) return;
    const { ctx, payment } = found;
    if (!payment.offSession) return;
    const customer = await this.deps.customers.find(q, ctx, payment.customerId);
    if (customer?.email === null || customer?.email === undefined) return;
    const { config } = this.deps.core;
    await this.deps.core.emails.enqueue(q, {
      merchantId: ctx.merchantId,
      livemode: ctx.livemode,
      template: CUSTOMER_EMAILS.actionRequired,
      locale: payment.locale ?? config.notifications.emailLocale,
      recipient: customer.email,
      data: {
        merchant_name: await merchantName(q, ctx.merchantId),
        amount: formatAmount(payment.amount, payment.currency, payment.locale ?? config.notifications.emailLocale),
        order_id: payment.orderId,
        card: payment.card === null ? '' : maskedCard(payment.card.brand, payment.card.last4),
        payment_url: paymentView(payment, config.publicUrl).payment_url,
        livemode: ctx.livemode,
      },
    });
  }
}
