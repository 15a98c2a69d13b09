import { MerchantContext, Transaction, inTransaction } from '@tender/core';
import { CUSTOMER_EMAILS, maskedCard, merchantName } from '../emails/customer-mail';
import { recordEvent } from '../events/saved-cards-events';
import { SavedCardsDeps } from '../saved-cards-deps';
import { SavedCard, expiresAt, savedCardFromRow, savedCardView } from '../cards/saved-card';

const DAY_MS = 86_400_000;

/** The gateway's ExpiryNotices in its container (operators' tools and tests run a round with it). */
export const EXPIRY_NOTICES = Symbol('SavedCardsExpiryNotices');
/** Cards looked at per round; the next round takes the rest. */
const BATCH = 100;

/** Months since year 0 of the month `at` falls in (UTC), 1-based months: y * 12 + m. */
function monthIndex(at: number): number {
  const d = new Date(at);
  return d.getUTCFullYear() * 12 + d.getUTCMonth() + 1;
}

/**
 * `card.expiring`: `expiringNoticeDays` (default 30) before a saved card stops
 * working (the first day after its expiry month), the merchant gets the event (and
 * its webhook) and the customer an e-mail, once per card.
 *
 * Exactly once with several gateway processes: each card is claimed by one
 * conditional update (`expiring_notified_at` from null to now) in the transaction
 * that records the event and queues the e-mail; the process whose update changed
 * no row skips the card.
 *
 * @example
 * ```ts
 * const notices = new ExpiryNotices(deps);
 * await notices.runOnce(); // { notified: 2 }
 * ```
 */
export class ExpiryNotices {
  constructor(private readonly deps: SavedCardsDeps) {}

  /** One round over every merchant's active cards that enter the notice window. */
  async runOnce(): Promise<{ notified: number }> {
    const now = this.deps.core.clock.now();
    const horizon = now + this.deps.options.expiringNoticeDays * DAY_MS;
    // Coarse by month in SQL (expiry month index below the horizon's, not yet past), exact in code.
    const rows: Array<Record<string, unknown>> = await this.deps.core
      .database('customer_payment_methods')
      .where({ status: 'active' })
      .whereNull('expiring_notified_at')
      .whereRaw('exp_year * 12 + exp_month <= ?', [monthIndex(horizon)])
      .whereRaw('exp_year * 12 + exp_month >= ?', [monthIndex(now)])
      .orderBy('seq', 'asc')
      .limit(BATCH);
    let notified = 0;
    for (const card of rows.map(savedCardFromRow)) {
      const end = expiresAt(card);
      if (end > horizon || end <= now) continue;
      if (await inTransaction(this.deps.core.database, (trx) => this.notify(trx, card, now))) notified += 1;
    }
    return { notified };
  }

  /** Claims the card and, when this process won it, records the event and queues the e-mail. */
  private async notify(trx: Transaction, card: SavedCard, now: number): Promise<boolean> {
    const ctx: MerchantContext = { merchantId: card.merchantId, livemode: card.livemode };
    const claimed = await trx('customer_payment_methods')
      .where({ id: card.id, merchant_id: ctx.merchantId, livemode: ctx.livemode, status: 'active' })
      .whereNull('expiring_notified_at')
      .update({ expiring_notified_at: now });
    if (claimed !== 1) return false;
    const expiry = `${String(card.expMonth).padStart(2, '0')}/${card.expYear}`;
    const consents = await this.deps.consents.latestFor(trx, ctx, [card.id]);
    await recordEvent(this.deps.core.events, trx, {
      merchantId: ctx.merchantId,
      livemode: ctx.livemode,
      type: 'card.expiring',
      objectType: 'payment_method',
      objectId: card.id,
      data: { ...savedCardView(card, consents.get(card.id) ?? null), expires_at: new Date(expiresAt(card)).toISOString() },
    });
    const customer = await this.deps.customers.find(trx, ctx, card.customerId);
    if (customer?.email !== null && customer?.email !== undefined) {
      await this.deps.core.emails.enqueue(trx, {
        merchantId: ctx.merchantId,
        livemode: ctx.livemode,
        template: CUSTOMER_EMAILS.cardExpiring,
        locale: this.deps.core.config.notifications.emailLocale,
        recipient: customer.email,
        data: { merchant_name: await merchantName(trx, ctx.merchantId), card: maskedCard(card.brand, card.last4), expiry, livemode: ctx.livemode },
      });
    }
    return true;
  }
}
