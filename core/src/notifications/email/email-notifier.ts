import { cardBrandLabel } from '../../pages/card-brand-label';
import { inject, injectable } from 'tsyringe';
import { CONFIG } from '../../config/tokens';
import { TenderConfig } from '../../config/config';
import { Queryable } from '../../db/database';
import { formatAmount } from '../../pages/amount-format';
import { EventListener, RecordedEvent } from '../event-listener';
import { StatusLink } from '../status-link';
import { EmailQueue } from './email-queue';

interface PaymentData {
  id: string;
  amount: number;
  amount_captured: number;
  currency: string;
  order_id: string;
  customer_email?: string | null;
  /** The hosted page's language for this payment, when the shop chose one. */
  locale?: string | null;
  card: { brand: string; last4: string } | null;
}

interface RefundData {
  id: string;
  payment_id: string;
  amount: number;
  currency: string;
  failure_message: string | null;
}

/**
 * Queues the e-mails an event calls for, in the event's transaction: the buyer's
 * receipt when a payment with a customer e-mail is captured, and a notice to the
 * merchant when a refund fails.
 */
@injectable()
export class EmailNotifier implements EventListener {
  constructor(
    @inject(EmailQueue) private readonly emails: EmailQueue,
    @inject(StatusLink) private readonly links: StatusLink,
    @inject(CONFIG) private readonly config: TenderConfig,
  ) {}

  async onEvent(q: Queryable, event: RecordedEvent): Promise<void> {
    if (event.type === 'payment.captured') await this.receipt(q, event);
    if (event.type === 'refund.failed') await this.refundFailed(q, event);
  }

  private async receipt(q: Queryable, event: RecordedEvent): Promise<void> {
    const p = event.data as PaymentData;
    if (p.customer_email === undefined || p.customer_email === null) return;
    const merchant = await q('merchants').select('name').where({ id: event.merchantId }).first();
    await this.emails.enqueue(q, {
      merchantId: event.merchantId,
      livemode: event.livemode,
      template: 'receipt',
      // The buyer reads the receipt in the language the shop chose for the payment page.
      locale: p.locale ?? this.config.notifications.emailLocale,
      recipient: p.customer_email,
      data: {
        merchant_name: merchant === undefined ? '' : String(merchant.name),
        amount: formatAmount(p.amount_captured, p.currency, p.locale ?? this.config.notifications.emailLocale),
        order_id: p.order_id,
        payment_id: p.id,
        card: p.card === null ? null : `${cardBrandLabel(p.card.brand)} •••• ${p.card.last4}`,
        status_url: this.links.urlFor(p.id),
        livemode: event.livemode,
      },
    });
  }

  private async refundFailed(q: Queryable, event: RecordedEvent): Promise<void> {
    const r = event.data as RefundData;
    const merchant = await q('merchants').select('name', 'email').where({ id: event.merchantId }).first();
    if (merchant === undefined) return;
    await this.emails.enqueue(q, {
      merchantId: event.merchantId,
      livemode: event.livemode,
      template: 'refund_failed',
      locale: this.config.notifications.emailLocale,
      recipient: String(merchant.email),
      data: {
        merchant_name: String(merchant.name),
        refund_id: r.id,
        payment_id: r.payment_id,
        amount: formatAmount(r.amount, r.currency, this.config.notifications.emailLocale),
        reason: r.failure_message,
        livemode: event.livemode,
      },
    });
  }
}
