import { TenderError } from '../errors/tender-error';
import { AuthenticatedPayer } from '../certificates/certificate-authenticator';
import { Payment } from '../payments/payment';

/** The hosted page's languages (pages/page-locale.ts). */
export type MethodPageLocale = 'ru' | 'en' | 'ar';

/**
 * A payment method's part of the hosted page. It is rendered inside the payment
 * form island (`/pay/<token>/fields`), the gateway-owned document with its own
 * strict CSP and none of the merchant's markup or CSS; a merchant template can only
 * say where the island goes. The part's form posts to `/pay/<token>` (path '') or
 * `/pay/<token>/<path>`, guarded by the page's one-time form token and the
 * submission rate limit, and goes through PaymentService.confirm like the API.
 *
 * The template is Handlebars, compiled once at start in the theme's environment
 * (known helpers only, no prototype access; it can use the theme's partials). A
 * template with `{{{ }}}` is refused at start: every value it shows is escaped.
 * It renders with the island's context (`t` the theme's texts, `m` the method's
 * own `messages`, `payment`, `cancel_url`), `method` ({ action, token, type }),
 * `part` (the state after a refusal: `values`, `errors`, `code`, `alert`) and
 * whatever `context` returns.
 *
 * The part may use the theme's classes (`field`, `hint`, `pay-button`, ...) and the
 * branding's CSS variables (`--tender-primary`, `--tender-muted`, ...); what is its
 * own it styles with `styles`, a style sheet the island document carries while the
 * part is offered (in a `<style>` element under the page's CSP nonce). The theme
 * never styles a method's own markup.
 *
 * @example
 * ```ts
 * const page: PaymentMethodPage = {
 *   path: 'voucher',
 *   fields: ['code'],
 *   keep: ['code'],
 *   template: '<section class="voucher-option"><form method="post" action="{{method.action}}" target="_parent">...</form></section>',
 *   styles: '.voucher-option { margin-block-start: 24px; }',
 *   messages: { en: { title: 'Pay with a voucher' }, ru: { title: 'Оплата ваучером' } },
 *   context: () => ({}),
 *   submission: async (posted) => ({ input: { code: posted.code ?? '' } }),
 *   refusal: (error) => (error.code === 'parameter_invalid' ? { status: 422, errors: { code: 'm.code_invalid' } } : undefined),
 * };
 * ```
 */
export interface PaymentMethodPage {
  /** Handlebars source of the part (see above). */
  readonly template: string;
  /** Where the part's form posts: '' for `/pay/<token>`, else `/pay/<token>/<path>` (lower-case letters and dashes). */
  readonly path: string;
  /** The fields the form posts besides `form_token`; anything else is dropped before `submission`. */
  readonly fields: readonly string[];
  /** Posted fields shown again after a refusal (sealed in the island's URL for 30 minutes); never secrets such as a PAN or CVC. */
  readonly keep?: readonly string[];
  /**
   * The part's own CSS (its classes, prefixed with the method's type by convention:
   * `.voucher-option`), added to the island document while the part is offered. No
   * `<`, `@import` or `url()`, at most 20 000 characters (methodStylesProblem):
   * checked at start.
   */
  readonly styles?: string;
  /** The method's own texts, per locale: `{{m.key}}` in the template, `m.key` as a message key in `refusal`. */
  readonly messages?: Partial<Record<MethodPageLocale, Readonly<Record<string, unknown>>>>;
  /**
   * Shown before the parts that do not lead (which keep their registration order), e.g.
   * a recognised buyer's saved cards above the card form; default false.
   */
  readonly leads?: boolean;
  /** Whether this payment's page offers the method (e.g. a merchant setting); default yes. */
  offered?(payment: Payment): Promise<boolean>;
  /** Extra template context for this payment (merged over the island's). */
  context(view: MethodPageView): Record<string, unknown> | Promise<Record<string, unknown>>;
  /**
   * The posted fields into the method's input (`payment_method.<type>`), and the
   * payer when the request proves one (e.g. the browser's TLS client certificate).
   * Problems the buyer can fix: return `errors` (field to message key) or throw a
   * TenderError that `refusal` explains.
   */
  submission(posted: Readonly<Record<string, string>>, request: MethodPageRequest): Promise<MethodPageSubmission>;
  /** How a TenderError from submission or confirm is shown in the part; undefined: not this part's to show. */
  refusal(error: TenderError): MethodPageRefusal | undefined;
}

/** What the part's `context` gets. */
export interface MethodPageView {
  readonly payment: Payment;
  /** Where the part's form posts, and the page's one-time form token. */
  readonly action: string;
  readonly token: string;
  /** The part's state after a refusal (already localized), or empty. */
  readonly state: MethodPartState;
  /** The last attempt's failure (declined, failed), localized, when the payment is open again after one. */
  readonly failure: { readonly title: string; readonly text: string; readonly retry: string } | null;
}

/** A part's state after a refusal, as the template reads it under `part`. */
export interface MethodPartState {
  readonly values: Readonly<Record<string, string>>;
  readonly errors: Readonly<Record<string, string>>;
  readonly code: string | null;
  readonly alert: string | null;
}

/** What the form post carries besides its fields. */
export interface MethodPageRequest {
  readonly payment: Payment;
  /** DER of the TLS client certificate the browser presented, when the gateway serves HTTPS itself. */
  readonly tlsClientCertificate: Buffer | undefined;
  readonly path: string;
}

export type MethodPageSubmission = { readonly input: unknown; readonly payer?: AuthenticatedPayer } | { readonly errors: Readonly<Record<string, string>> };

/** A refusal shown in the part: HTTP status, field errors and an alert (message keys), the catalogue code if shown. */
export interface MethodPageRefusal {
  readonly status: number;
  readonly errors?: Readonly<Record<string, string>>;
  readonly alert?: string;
  readonly code?: string;
}
