import {
  MerchantContext,
  MethodPageRefusal,
  MethodPageSubmission,
  MethodPageView,
  Payment,
  PaymentMethodPage,
  TenderError,
  brandMarkUrl,
  cardBrandLabel,
} from '@tender/core';
import { SavedCardsDeps } from '../saved-cards-deps';
import { SavedCard, isExpired } from '../cards/saved-card';
import { readLocale, readTemplate } from '../page-files';

/** Which message explains a refusal of the chosen card. */
const CARD_ERRORS: Readonly<Record<string, string>> = {
  payment_method_expired: 'm.error.expired',
  resource_not_found: 'm.error.not_found',
};

/**
 * One click on the hosted page: the customer's saved cards (brand mark and name,
 * last 4, expiry), above the card form (`leads`), offered when the payment names a
 * customer who has a card that has not expired.
 * With the option `requireCvc` the buyer types the CVC again (it goes to the bank
 * once and is never kept). Posts to `/pay/<token>/saved-card` and goes through the
 * same confirm as the API, buyer present.
 *
 * @example
 * ```ts
 * await page.offered(payment); // true when payment.customerId has a usable saved card
 * ```
 */
export class SavedCardPage implements PaymentMethodPage {
  readonly template = readTemplate('saved-card-part.hbs');
  readonly styles = readTemplate('saved-card-part.css');
  readonly path = 'saved-card';
  // A recognised buyer sees their cards first; the card form follows for another card.
  readonly leads = true;
  readonly fields = ['payment_method', 'cvc'];
  // The chosen card is shown again after a refusal; the CVC never.
  readonly keep = ['payment_method'];
  readonly messages = { en: readLocale('en.json'), ru: readLocale('ru.json'), ar: readLocale('ar.json') };

  constructor(private readonly deps: SavedCardsDeps) {}

  async offered(payment: Payment): Promise<boolean> {
    return (await this.usableCards(payment)).length > 0;
  }

  async context(view: MethodPageView): Promise<Record<string, unknown>> {
    const cards = await this.usableCards(view.payment);
    const chosen = view.state.values.payment_method ?? cards[0]?.id;
    return {
      saved: {
        cards: cards.map((c) => ({
          id: c.id,
          brand: cardBrandLabel(c.brand),
          mark: brandMarkUrl(c.brand),
          last4: c.last4,
          expiry: `${String(c.expMonth).padStart(2, '0')}/${String(c.expYear).slice(-2)}`,
          checked: c.id === chosen,
        })),
        askCvc: this.deps.options.requireCvc,
        errors: view.state.errors,
        code: view.state.code,
      },
    };
  }

  async submission(posted: Readonly<Record<string, string>>): Promise<MethodPageSubmission> {
    const id = (posted.payment_method ?? '').trim();
    if (!/^pm_[0-9A-Za-z]{1,40}$/.test(id)) return { errors: { payment_method: 'm.error.choose' } };
    const cvc = (posted.cvc ?? '').trim();
    return { input: { id, ...(cvc === '' ? {} : { cvc }) } };
  }

  refusal(error: TenderError): MethodPageRefusal {
    if (error.code === 'payment_method_cvc_required') return { status: 422, errors: { cvc: 'm.error.cvc_required' }, code: error.code };
    if (error.code === 'card_cvc_invalid') return { status: 422, errors: { cvc: 'm.error.cvc_invalid' }, code: error.code };
    return { status: error.status, errors: { payment_method: CARD_ERRORS[error.code] ?? 'm.error.other' }, code: error.code };
  }

  /** The payment's customer's cards that can pay now (active, not expired); none without a customer. */
  private async usableCards(payment: Payment): Promise<SavedCard[]> {
    if (payment.customerId === null) return [];
    const ctx: MerchantContext = { merchantId: payment.merchantId, livemode: payment.livemode };
    const now = this.deps.core.clock.now();
    const cards = await this.deps.cards.listForCustomer(this.deps.core.database, ctx, payment.customerId);
    return cards.filter((c) => !isExpired(c, now));
  }
}
