import { AddonSubmission, AddonSubmissionFacts, MerchantContext, MethodPageLocale, MethodPartAddon, Payment, Transaction } from '@tender/core';
import { SavedCardsDeps } from '../saved-cards-deps';
import { CardUsage } from './saved-card';
import { readLocale, readTemplate } from '../page-files';

function consentTexts(locale: MethodPageLocale): Readonly<Record<string, string>> {
  return readLocale<Record<string, string>>(`consent.${locale}.json`);
}

/**
 * The consent checkbox on the hosted page's card form (a MethodPartAddon on the
 * `card` part). Shown when the payment names a customer: "save my card" for
 * one-click payments, or, when the merchant created the payment with
 * `setup_future_usage: "off_session"`, "save my card and let the shop charge it
 * later". Its text is per locale (locales/consent.<locale>.json) and versioned
 * (option `consentTextVersion`): the consent row records time, IP, locale and the
 * version, in the confirm transaction. An unticked box is recorded too (not
 * granted): the card is then not saved, whatever the payment asked.
 *
 * @example
 * ```ts
 * ctx.registerMethodPartAddon(consentAddon(deps));
 * ```
 */
export function consentAddon(deps: SavedCardsDeps): MethodPartAddon {
  return {
    name: 'saved-cards-consent',
    methods: ['card'],
    fields: ['save_card'],
    template: readTemplate('save-card-consent.hbs'),
    messages: { en: consentTexts('en'), ru: consentTexts('ru'), ar: consentTexts('ar') },

    async context(payment: Payment): Promise<Record<string, unknown> | undefined> {
      if (payment.customerId === null || payment.paymentMethodId !== null) return undefined;
      const ctx: MerchantContext = { merchantId: payment.merchantId, livemode: payment.livemode };
      if ((await deps.customers.find(deps.core.database, ctx, payment.customerId)) === undefined) return undefined;
      const usage = usageAsked(payment);
      return { usage, offSession: usage === 'off_session' };
    },

    async submission(posted: Readonly<Record<string, string>>, facts: AddonSubmissionFacts): Promise<AddonSubmission> {
      const { payment } = facts;
      const customerId = payment.customerId;
      if (customerId === null) return {};
      const granted = posted.save_card === 'yes';
      const usage = usageAsked(payment);
      const ctx: MerchantContext = { merchantId: payment.merchantId, livemode: payment.livemode };
      const consent = {
        paymentId: payment.id,
        customerId,
        usage,
        granted,
        source: 'hosted_page' as const,
        textVersion: deps.options.consentTextVersion,
        locale: facts.locale,
        ip: facts.ip ?? null,
      };
      return {
        ...(granted ? { setupFutureUsage: usage } : {}),
        record: async (trx: Transaction) => deps.consents.insert(trx, ctx, consent, facts.now),
      };
    },
  };
}

/** What the page asks the buyer for: what the merchant asked on the payment, else one-click only. */
function usageAsked(payment: Payment): CardUsage {
  return payment.setupFutureUsage ?? 'on_session';
}
