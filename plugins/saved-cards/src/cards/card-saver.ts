import { MerchantContext, Payment, Queryable } from '@tender/core';
import { ListenedEvent, customerPaymentOfEvent } from '../events/payment-event';
import { recordEvent } from '../events/saved-cards-events';
import { SavedCardsDeps } from '../saved-cards-deps';
import { SavedCard, savedCardView } from './saved-card';

/** The events after which a payment's card is saved: the bank approved it. */
const SAVING_EVENTS = new Set(['payment.authorized', 'payment.captured']);

/**
 * Saves a payment's card for its customer when the bank approves the payment and
 * the card was to be saved: the payment asked (`setup_future_usage`, the merchant
 * collected the consent) or the buyer ticked the hosted page's box, and the buyer
 * did not leave the box unticked. Runs as an EventListener, inside the transaction
 * that records `payment.authorized` / `payment.captured`, so the payment's approval,
 * the saved card and `payment_method.attached` commit together or not at all.
 *
 * The card gets its own vault row (a copy of the payment's), so deleting the saved
 * card deletes exactly its PAN and never a payment's. The same card (fingerprint)
 * saved again for the same customer stays one payment method (its usage widened to
 * off_session when the new consent allows that).
 *
 * @example
 * ```ts
 * ctx.registerEventListener({ onEvent: (q, event) => saver.onEvent(q, event) });
 * ```
 */
export class CardSaver {
  constructor(private readonly deps: SavedCardsDeps) {}

  async onEvent(q: Queryable, event: ListenedEvent): Promise<void> {
    const found = await customerPaymentOfEvent(this.deps, q, event, SAVING_EVENTS);
    if (found === undefined) return;
    const { ctx, payment } = found;
    if (payment.cardToken === null || payment.card === null) return;
    // A payment made with a saved card already is not saved again.
    if (payment.paymentMethodId !== null) return;
    const consent = await this.deps.consents.stateForPayment(q, ctx, payment.id);
    if (consent === 'saved' || consent === 'declined') return;
    const usage = await this.usageOf(q, ctx, payment, consent === 'granted');
    if (usage === undefined) return;
    // An erased (or unknown) customer gets nothing saved.
    if ((await this.deps.customers.find(q, ctx, payment.customerId)) === undefined) return;
    if (consent === undefined) {
      await this.deps.consents.insert(
        q,
        ctx,
        { paymentId: payment.id, customerId: payment.customerId, usage, granted: true, source: 'api', textVersion: null, locale: null, ip: null },
        this.deps.core.clock.now(),
      );
    }
    const { card, created } = await this.saveCard(q, ctx, payment, payment.customerId, usage);
    await this.deps.consents.attach(q, ctx, payment.id, card.id);
    if (!created) return;
    const consents = await this.deps.consents.latestFor(q, ctx, [card.id]);
    await recordEvent(this.deps.core.events, q, {
      merchantId: ctx.merchantId,
      livemode: ctx.livemode,
      type: 'payment_method.attached',
      objectType: 'payment_method',
      objectId: card.id,
      data: savedCardView(card, consents.get(card.id) ?? null),
    });
  }

  /** off_session when the payment or the buyer's consent says so, else on_session; undefined: nothing asked for saving. */
  private async usageOf(q: Queryable, ctx: MerchantContext, payment: Payment, buyerConsented: boolean): Promise<'on_session' | 'off_session' | undefined> {
    if (buyerConsented) return (await this.deps.consents.grantedUsage(q, ctx, payment.id)) ?? payment.setupFutureUsage ?? 'on_session';
    return payment.setupFutureUsage ?? undefined;
  }

  private async saveCard(
    q: Queryable,
    ctx: MerchantContext,
    payment: Payment,
    customerId: string,
    usage: 'on_session' | 'off_session',
  ): Promise<{ card: SavedCard; created: boolean }> {
    const vault = this.deps.core.vault;
    const card = payment.card;
    const token = payment.cardToken;
    if (card === null || token === null) throw new Error(`payment ${payment.id} has no card to save`);
    const fingerprint = payment.cardFingerprint ?? undefined;
    const existing = fingerprint === undefined ? undefined : await this.deps.cards.findByFingerprint(q, ctx, customerId, fingerprint);
    if (existing !== undefined) {
      if (usage === 'off_session' && existing.usage === 'on_session') await this.deps.cards.widenUsage(q, ctx, existing.id, payment.networkReference);
      return { card: existing, created: false };
    }
    const pan = await vault.reveal(token, ctx.merchantId, ctx.livemode, q);
    if (pan === undefined) throw new Error(`payment ${payment.id}: its card is not in the vault`);
    const stored = await vault.store(q, { merchantId: ctx.merchantId, livemode: ctx.livemode, pan });
    const saved = await this.deps.cards.insert(
      q,
      ctx,
      {
        customerId,
        vaultId: stored.id,
        fingerprint: stored.fingerprint,
        brand: card.brand,
        last4: card.last4,
        expMonth: card.expMonth,
        expYear: card.expYear,
        usage,
        networkReference: payment.networkReference,
        firstPaymentId: payment.id,
      },
      this.deps.core.clock.now(),
    );
    return { card: saved, created: true };
  }
}
