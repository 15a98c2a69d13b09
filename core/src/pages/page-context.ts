import { Branding, brandingCss } from '../branding/branding';
import { Payment } from '../payments/payment';
import { formatAmount } from './amount-format';
import { PageLocale, PageMessages, directionOf } from './page-locale';
import { AccountOptionContext } from './account-page-option';

/** What every page template can read. Only this payment's and this merchant's display data. */
export interface PageContext {
  readonly lang: PageLocale;
  readonly dir: 'ltr' | 'rtl';
  readonly nonce: string;
  readonly title: string;
  readonly t: PageMessages;
  readonly brand_css: string;
  readonly refresh?: boolean;
  readonly merchant?: { readonly name: string; readonly logo_url: string | null };
  readonly payment?: { readonly amount: string; readonly description: string | null; readonly order_id: string };
  readonly cancel_url?: string | null;
  readonly form?: CardFormContext | { readonly action: string; readonly token: string };
  readonly result?: { readonly tone: 'success' | 'neutral' | 'error'; readonly title: string; readonly text: string; readonly card: string | null; readonly return_url: string | null; readonly refresh: boolean; readonly status_url?: string | null };
  readonly challenge?: { readonly acs_url: string; readonly creq: string; readonly notification_url: string };
  readonly error?: { readonly title: string; readonly text: string; readonly return_url: string | null };
  /** "Pay from personal account", when the merchant has account payments enabled. */
  readonly account?: AccountOptionContext;
}

/**
 * The card form's state. Never holds the card number or CVC: after an error the
 * buyer types them again (only the name on the card is kept).
 */
export interface CardFormContext {
  readonly action: string;
  readonly token: string;
  readonly holder_name: string;
  readonly errors: { readonly number?: string; readonly expiry?: string; readonly cvc?: string; readonly name?: string };
  readonly alert: string | null;
  readonly alert_title: string | null;
  readonly alert_retry: string | null;
}

export interface PageBasics {
  readonly locale: PageLocale;
  readonly messages: PageMessages;
  readonly nonce: string;
  readonly branding: Branding;
}

/** The parts of a page context that do not depend on which page it is. */
export function basicContext(b: PageBasics, title: string): PageContext {
  return { lang: b.locale, dir: directionOf(b.locale), nonce: b.nonce, title, t: b.messages, brand_css: brandingCss(b.branding) };
}

export function merchantContext(name: string, branding: Branding): PageContext['merchant'] {
  return { name, logo_url: branding.logoUrl };
}

export function paymentContext(payment: Pick<Payment, 'amount' | 'currency' | 'description' | 'orderId'>, locale: PageLocale): PageContext['payment'] {
  return { amount: formatAmount(payment.amount, payment.currency, locale), description: payment.description, order_id: payment.orderId };
}

/** "Visa •••• 4242": brand and last 4, the most a page ever shows of a card. */
export function cardLabel(payment: Payment): string | null {
  if (payment.card === null) return null;
  const brand = payment.card.brand.charAt(0).toUpperCase() + payment.card.brand.slice(1);
  return `${brand} •••• ${payment.card.last4}`;
}
