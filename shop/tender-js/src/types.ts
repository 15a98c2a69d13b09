/** The three embedded fields; each is a gateway-origin iframe. */
export type TenderFieldKind = 'number' | 'expiry' | 'cvc';

/** Where to mount each field: a CSS selector or an element of the shop's page. */
export type TenderMountTargets = Readonly<Record<TenderFieldKind, string | HTMLElement>>;

/** Options of `Tender(key, options)`. */
export interface TenderOptions {
  /** The gateway's URL; only needed when tender.js is not loaded from the gateway with a script tag. */
  readonly gatewayUrl?: string;
  /** Labels' language: 'en', 'ru' or 'ar' (default: the page's `lang`). */
  readonly locale?: string;
  /** The 3-D Secure modal's accessible title. */
  readonly challengeTitle?: string;
}

/** Options of `cardFields()`: the merchant's branding (colours, font, corners) applies first, then these. */
export interface TenderFieldOptions {
  readonly style?: { readonly color?: string; readonly background?: string; readonly fontSize?: string };
  readonly locale?: string;
  /** The iframes' titles (screen readers announce them). */
  readonly titles?: Partial<Record<TenderFieldKind, string>>;
  /** The iframes' height in CSS pixels (default 76: label, input and error line). */
  readonly height?: number;
}

/** A field's state as the shop's page may know it: never a digit of its value. */
export interface TenderFieldChange {
  readonly field: TenderFieldKind;
  readonly empty: boolean;
  readonly complete: boolean;
  readonly error: boolean;
  /** For the number field: the detected brand ('visa', 'mastercard', 'mir', ...). */
  readonly brand?: string;
  /** True when all three fields are complete. */
  readonly allComplete: boolean;
}

/** The mounted fields. */
export interface TenderCardFields {
  mount(targets: TenderMountTargets): TenderCardFields;
  on(event: 'change', handler: (change: TenderFieldChange) => void): TenderCardFields;
  on(event: 'ready' | 'focus', handler: (event: { readonly field: TenderFieldKind }) => void): TenderCardFields;
  focus(field: TenderFieldKind): void;
  clear(): void;
  unmount(): void;
}

/** A refusal: the gateway's error code and message (docs/errors.md), or `incomplete`, `network_error`. */
export interface TenderError {
  readonly code: string;
  readonly message: string;
}

/** A single-use card token, as `POST /v1/tokens` answers (never the PAN or CVC). */
export interface TenderCardToken {
  readonly id: string;
  readonly object: 'token';
  readonly livemode: boolean;
  readonly card: { readonly brand: string; readonly bin: string; readonly last4: string; readonly exp_month: number; readonly exp_year: number };
  readonly created_at: string;
  readonly expires_at: string;
  readonly used: boolean;
}

export type TenderTokenResult = { readonly token: TenderCardToken; readonly error?: undefined } | { readonly error: TenderError; readonly token?: undefined };
export type TenderConfirmResult = { readonly payment: { readonly id: string; readonly status: string }; readonly error?: undefined } | { readonly error: TenderError; readonly payment?: undefined };

/** What `Tender(publishableKey)` returns. */
export interface TenderInstance {
  cardFields(options?: TenderFieldOptions): TenderCardFields;
  /** A single-use token `tok_...` for the shop's server: `POST /v1/payments/:id/confirm { payment_method: "tok_..." }`. */
  createToken(fields: TenderCardFields): Promise<TenderTokenResult>;
  /** Confirms the payment whose client secret (its `payment_url`) the shop's server handed over; 3-D Secure runs in a modal. */
  confirmPayment(fields: TenderCardFields, params: { readonly clientSecret: string }): Promise<TenderConfirmResult>;
}

/** The global `Tender` that /js/tender.js defines. */
export type TenderFactory = (publishableKey: string, options?: TenderOptions) => TenderInstance;
