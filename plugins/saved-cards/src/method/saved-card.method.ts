import { InstrumentContext, MerchantContext, PaymentInstrument, PaymentMethod, StoredCredential, TenderError, notFound } from '@tender/core';
import { SavedCardsDeps } from '../saved-cards-deps';
import { isExpired } from '../cards/saved-card';
import { SavedCardInput, savedCardInputSchema } from './saved-card-input';
import { SavedCardPage } from './saved-card-page';

/**
 * A card saved for a customer (`payment_method: "pm_..."`, or
 * `{ type: 'saved_card', saved_card: { id, cvc? } }`), authorized through
 * `card_authorization` with the PAN from the vault.
 *
 * Refused before anything is written: a card that is not this merchant's in this
 * mode, or deleted (404 resource_not_found); a payment for another customer or for
 * none (payment_method_customer_mismatch); an expired card (payment_method_expired);
 * a card saved for one-click used by the merchant alone
 * (payment_method_off_session_not_allowed); no CVC on the hosted page when the
 * operator asks for it again (payment_method_cvc_required).
 *
 * The bank is told it is a stored credential: merchant-initiated (`initiator:
 * 'merchant'`, the reason, the first payment's network reference) for an off-session
 * payment, cardholder-initiated otherwise.
 *
 * @example
 * ```ts
 * // POST /v1/payments { amount: 990, currency: 'RUB', customer: 'cus_...', payment_method: 'pm_...', off_session: true, confirm: true }
 * ```
 */
export class SavedCardPaymentMethod implements PaymentMethod<SavedCardInput> {
  readonly type = 'saved_card';
  readonly referencePrefix = 'pm';
  readonly capability = 'card_authorization';
  readonly input = savedCardInputSchema;
  readonly page: SavedCardPage;

  constructor(private readonly deps: SavedCardsDeps) {
    this.page = new SavedCardPage(deps);
  }

  async instrument(input: SavedCardInput, context: InstrumentContext): Promise<PaymentInstrument> {
    const { payment } = context;
    const ctx: MerchantContext = { merchantId: payment.merchantId, livemode: payment.livemode };
    const card = await this.deps.cards.find(this.deps.core.database, ctx, input.id);
    if (card === undefined || card.vaultId === null) throw notFound('payment_method', input.id);
    if (payment.customerId !== card.customerId) {
      throw new TenderError('payment_method_customer_mismatch', {
        param: 'payment_method',
        message:
          payment.customerId === null
            ? 'A saved card pays only a payment that names its customer (customer).'
            : `The saved card ${card.id} belongs to another customer.`,
      });
    }
    if (isExpired(card, context.now))
      throw new TenderError('payment_method_expired', {
        param: 'payment_method',
        message: `The saved card ${card.id} expired at the end of ${String(card.expMonth).padStart(2, '0')}/${card.expYear}.`,
      });
    if (context.offSession && card.usage !== 'off_session') throw new TenderError('payment_method_off_session_not_allowed', { param: 'payment_method' });
    if (context.buyerPresent && !context.offSession && this.deps.options.requireCvc && input.cvc === undefined)
      throw new TenderError('payment_method_cvc_required', { param: 'payment_method.saved_card.cvc' });
    const pan = await this.deps.core.vault.reveal(card.vaultId, ctx.merchantId, ctx.livemode);
    if (pan === undefined) throw notFound('payment_method', input.id);
    const storedCredential: StoredCredential = context.offSession
      ? {
          initiator: 'merchant',
          sequence: 'subsequent',
          reason: input.reason ?? 'unscheduled',
          ...(card.networkReference === null ? {} : { originalReference: card.networkReference }),
        }
      : { initiator: 'cardholder', sequence: 'subsequent', ...(card.networkReference === null ? {} : { originalReference: card.networkReference }) };
    const bin = pan.slice(0, 6);
    return {
      bank: { kind: 'card', card: { number: pan, expMonth: card.expMonth, expYear: card.expYear, cvc: input.cvc, holderName: undefined, storedCredential } },
      routing: { brand: card.brand, bin },
      risk: { fingerprint: card.fingerprint, brand: card.brand, bin, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear },
      // The issuer may still ask for authentication: the payment's page shows the challenge (an e-mail brings an absent buyer there).
      authenticable: true,
      paymentMethodId: card.id,
      record: async (trx) => {
        // The payment keeps its own copy, as a card payment does (refunds that need the card read it); deleting the saved card leaves it.
        const stored = await this.deps.core.vault.store(trx, { merchantId: ctx.merchantId, livemode: ctx.livemode, pan });
        return {
          card_token: stored.id,
          card_fingerprint: stored.fingerprint,
          card_brand: card.brand,
          card_bin: bin,
          card_last4: card.last4,
          card_exp_month: card.expMonth,
          card_exp_year: card.expYear,
        };
      },
    };
  }
}
