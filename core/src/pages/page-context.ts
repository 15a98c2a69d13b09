import { cardBrandLabel } from './card-brand-label';
import { Branding, brandingCss, islandCss } from '../branding/branding';
import { Payment } from '../payments/payment';
import { formatAmount } from './amount-format';
import { PageLocale, PageMessages, directionOf } from './page-locale';
import Handlebars from 'handlebars';
import type { PageReceipt } from './payment-receipt';
import { NextActionPageContext } from './next-action-page';

/**
 * What the theme's page templates can read (the operator's theme, trusted). A
 * merchant template never sees this: it gets `merchantTemplateContext(...)`.
 */
export interface PageContext {
  readonly lang: PageLocale;
  readonly dir: 'ltr' | 'rtl';
  readonly nonce: string;
  readonly title: string;
  readonly t: PageMessages;
  readonly brand_css: string;
  /** The gateway's script for this document (templates/<theme>/assets/), or none. */
  readonly script?: string | null;
  /** True for the payment form island's own document (/pay/:token/fields). */
  readonly island_doc?: boolean;
  /** The payment page's frame of the payment form island. */
  readonly island?: PaymentIslandFrame;
  /** The island of a payment that is no longer open: a link on to the payment page. */
  readonly island_done?: { readonly href: string };
  readonly refresh?: boolean;
  readonly merchant?: { readonly name: string; readonly logo_url: string | null };
  readonly payment?: { readonly amount: string; readonly description: string | null; readonly order_id: string };
  readonly cancel_url?: string | null;
  /** A gateway form outside the island (the payment link page's). */
  readonly form?: { readonly action: string; readonly token: string };
  /** The island document: each offered payment method's part, rendered and escaped (MethodPages). */
  readonly island_parts?: readonly Handlebars.SafeString[];
  /** The island document: the offered parts' own style sheets (PaymentMethodPage.styles, checked at start). */
  readonly method_css?: string;
  readonly result?: {
    readonly tone: 'success' | 'neutral' | 'error';
    readonly title: string;
    readonly text: string;
    readonly card: string | null;
    readonly return_url: string | null;
    readonly refresh: boolean;
    readonly status_url?: string | null;
    readonly receipt?: PageReceipt;
  };
  readonly challenge?: { readonly acs_url: string; readonly creq: string; readonly notification_url: string; readonly frame_url: string };
  /** A payment the buyer completes elsewhere: the QR code or the link to show (next-action-page.ts). */
  readonly next_action?: NextActionPageContext;
  readonly error?: { readonly title: string; readonly text: string; readonly return_url: string | null };
  /** The payment methods this page offers, by type (`methods.card`), for the theme and merchant templates. */
  readonly methods?: Readonly<Record<string, true>>;
}

/** How the payment page frames the island: its URL, its title and whether it holds more than the card form. */
export interface PaymentIslandFrame {
  readonly src: string;
  readonly title: string;
  readonly tall: boolean;
}

/**
 * Everything a merchant template can read, and nothing else: display data of this
 * payment and merchant, the page's texts and the way back to the shop. No nonce, no
 * form token or action, no card form state, no secrets; `methods` only says which
 * payment methods the island offers (`methods.account`); `account` is the older
 * name of `methods.account`, kept so stored templates still render.
 */
export interface MerchantTemplateContext {
  readonly lang: PageLocale;
  readonly dir: 'ltr' | 'rtl';
  readonly title: string;
  readonly t: PageMessages;
  readonly merchant?: { readonly name: string; readonly logo_url: string | null };
  readonly payment?: { readonly amount: string; readonly description: string | null; readonly order_id: string };
  readonly cancel_url?: string | null;
  readonly methods: Readonly<Record<string, true>>;
  readonly account: boolean;
}

/** The allow-listed copy of a page context that a merchant template renders with. */
export function merchantTemplateContext(c: PageContext): MerchantTemplateContext {
  return {
    lang: c.lang,
    dir: c.dir,
    title: c.title,
    t: c.t,
    ...(c.merchant === undefined ? {} : { merchant: { name: c.merchant.name, logo_url: c.merchant.logo_url } }),
    ...(c.payment === undefined ? {} : { payment: { amount: c.payment.amount, description: c.payment.description, order_id: c.payment.order_id } }),
    cancel_url: c.cancel_url ?? null,
    methods: c.methods ?? {},
    account: c.methods?.account === true,
  };
}

export interface PageBasics {
  readonly locale: PageLocale;
  readonly messages: PageMessages;
  readonly nonce: string;
  readonly branding: Branding;
}

/** The parts of a page context that do not depend on which page it is. */
export function basicContext(b: PageBasics, title: string): PageContext {
  return { lang: b.locale, dir: directionOf(b.locale), nonce: b.nonce, title, t: b.messages, brand_css: brandingCss(b.branding), script: 'card-form.js' };
}

/** The island's own document: the theme variables of the branding, none of the merchant's CSS. */
export function islandContext(b: PageBasics, title: string): PageContext {
  return { ...basicContext(b, title), brand_css: islandCss(b.branding), island_doc: true };
}

export function merchantContext(name: string, branding: Branding): PageContext['merchant'] {
  return { name, logo_url: httpsUrlOrNull(branding.logoUrl) };
}

/** A stored URL as a page may show it: https only (the input schema asks for that; this holds for older rows too). */
function httpsUrlOrNull(url: string | null): string | null {
  if (url === null) return null;
  try {
    return new URL(url).protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

export function paymentContext(payment: Pick<Payment, 'amount' | 'currency' | 'description' | 'orderId'>, locale: PageLocale): PageContext['payment'] {
  return { amount: formatAmount(payment.amount, payment.currency, locale), description: payment.description, order_id: payment.orderId };
}

/** "Visa •••• 4242": brand and last 4, the most a page ever shows of a card. */
export function cardLabel(payment: Payment): string | null {
  if (payment.card === null) return null;
  return `${cardBrandLabel(payment.card.brand)} •••• ${payment.card.last4}`;
}
