import type { PaymentCustomerDTO, PaymentProviderContext } from '@medusajs/types';
import { CustomerParams, SavedPaymentMethod } from '@tender/client';

/*
 * How Medusa's account holders and saved payment methods map to Tender's saved cards
 * (docs/saved-cards.md): a Medusa customer's account holder is a Tender customer
 * (`cus_...`, kept in the account holder's `external_id` and `data.id`), a saved
 * payment method is a Tender saved card (`pm_...`, brand, last 4 and expiry only).
 */

/** The Tender customer's fields from Medusa's customer: e-mail, full name, phone, and Medusa's id in the metadata. */
export function customerParamsOf(customer: PaymentCustomerDTO): CustomerParams {
  const name = [customer.first_name, customer.last_name].filter((part): part is string => typeof part === 'string' && part.trim() !== '').join(' ').trim();
  return {
    ...(customer.email ? { email: customer.email } : {}),
    ...(name === '' ? (customer.company_name ? { name: customer.company_name } : {}) : { name }),
    ...(customer.phone ? { phone: customer.phone } : {}),
    metadata: { medusa_customer_id: customer.id },
  };
}

/** The Tender customer id (cus_...) of the context's account holder, or undefined when Medusa has none for this provider. */
export function tenderCustomerOf(context: PaymentProviderContext | undefined): string | undefined {
  const id = context?.account_holder?.data?.id;
  return typeof id === 'string' && id.startsWith('cus_') ? id : undefined;
}

/** The same, for a call that cannot work without one (listing or saving cards). */
export function requireTenderCustomer(context: PaymentProviderContext | undefined): string {
  const id = tenderCustomerOf(context);
  if (id === undefined) throw new Error('Tender: the customer has no Tender account holder (context.account_holder.data.id)');
  return id;
}

/**
 * What Medusa keeps of a saved card (`data` of the payment method): the card's
 * display fields, never more of the card. Storefronts show `brand •••• last4`.
 */
export function savedCardData(pm: SavedPaymentMethod): Record<string, unknown> {
  return { id: pm.id, customer: pm.customer, type: pm.type, card: pm.card, usage: pm.usage, created_at: pm.created_at };
}

/**
 * The saved-card fields a payment session's `data` may carry from the storefront, as
 * Medusa passes them to initiatePayment:
 * - `setup_future_usage: 'on_session' | 'off_session'`: save the card the buyer pays with;
 * - `payment_method: 'pm_...'`: pay with a saved card (confirmed at once);
 * - `off_session: true`: with `payment_method`, a merchant-initiated charge (the buyer absent).
 * Anything else there is ignored; a value of the wrong shape is refused.
 */
export interface SessionSavedCardFields {
  readonly setup_future_usage?: 'on_session' | 'off_session';
  readonly payment_method?: string;
  readonly off_session?: boolean;
}

export function savedCardFieldsOf(data: Record<string, unknown> | undefined): SessionSavedCardFields {
  const usage = data?.setup_future_usage;
  const pm = data?.payment_method;
  const offSession = data?.off_session;
  if (usage !== undefined && usage !== 'on_session' && usage !== 'off_session') throw new Error("Tender: data.setup_future_usage must be 'on_session' or 'off_session'");
  if (pm !== undefined && (typeof pm !== 'string' || !/^pm_[A-Za-z0-9]+$/.test(pm))) throw new Error('Tender: data.payment_method must be a saved card id (pm_...)');
  if (offSession !== undefined && typeof offSession !== 'boolean') throw new Error('Tender: data.off_session must be true or false');
  if (offSession === true && pm === undefined) throw new Error('Tender: data.off_session needs data.payment_method (a saved card)');
  return { ...(usage === undefined ? {} : { setup_future_usage: usage }), ...(pm === undefined ? {} : { payment_method: pm }), ...(offSession === undefined ? {} : { off_session: offSession }) };
}
