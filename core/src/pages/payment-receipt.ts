import { inject, injectable } from 'tsyringe';
import { DATABASE, Database } from '../db/database';
import { formatInZone } from '../merchants/merchant-time';
import { Payment } from '../payments/payment';
import { formatAmount } from './amount-format';
import { cardBrandLabel } from './card-brand-label';
import { brandMarkUrl } from './card-brand-mark';
import { PageLocale } from './page-locale';

/** What the result page's receipt shows (the theme's `result.receipt`). */
export interface PageReceipt {
  /** True when money was taken: the receipt says "Amount paid" and shows the date and card. */
  readonly paid: boolean;
  readonly merchant: string;
  readonly order_id: string;
  readonly description: string | null;
  /** When the bank approved it, in the merchant's time zone and the page's language; null unless paid. */
  readonly date: string | null;
  /** Brand and last 4 (the most a page shows of a card) with the brand's mark; null unless paid by card. */
  readonly card: { readonly label: string; readonly mark: string } | null;
  /** Formatted for the page's language from the integer minor units (formatAmount). */
  readonly amount: string;
}

const PAID_EVENTS = ['payment.authorized', 'payment.captured'];

/**
 * The receipt a result page shows: merchant, order, date in the merchant's time zone
 * (merchants.time_zone, UTC when unset), card brand and last 4, and the amount taken
 * (captured, else authorized) formatted for the buyer's language. The date is that of
 * the payment's first authorized or captured event, so a later refund does not move it.
 *
 * @example
 * ```ts
 * const receipt = await receipts.of(payment, 'Coffee Beans Ltd', 'ru');
 * // { paid: true, amount: '2 499,00 ₽', date: '4 декабря 2026 г., 22:30 (Europe/Moscow)', card: { label: 'Mir •••• 0004', ... }, ... }
 * ```
 */
@injectable()
export class PaymentReceipts {
  constructor(@inject(DATABASE) private readonly db: Database) {}

  async of(payment: Payment, merchantName: string, locale: PageLocale, paid: boolean): Promise<PageReceipt> {
    const base = { paid, merchant: merchantName, order_id: payment.orderId, description: payment.description };
    if (!paid) return { ...base, date: null, card: null, amount: formatAmount(payment.amount, payment.currency, locale) };
    const ctx = { merchant_id: payment.merchantId, livemode: payment.livemode };
    const event = (await this.db('events')
      .where({ ...ctx, object_id: payment.id })
      .whereIn('type', PAID_EVENTS)
      .orderBy('seq', 'asc')
      .first('created_at')) as { created_at: unknown } | undefined;
    const merchant = (await this.db('merchants').where({ id: payment.merchantId }).first('time_zone')) as { time_zone: unknown } | undefined;
    const zone = typeof merchant?.time_zone === 'string' ? merchant.time_zone : 'UTC';
    const at = event === undefined ? payment.updatedAt : Number(event.created_at);
    const card =
      payment.card === null ? null : { label: `${cardBrandLabel(payment.card.brand)} •••• ${payment.card.last4}`, mark: brandMarkUrl(payment.card.brand) };
    const taken = payment.amountCaptured > 0 ? payment.amountCaptured : payment.amount;
    return { ...base, date: formatInZone(at, zone, locale), card, amount: formatAmount(taken, payment.currency, locale) };
  }
}
