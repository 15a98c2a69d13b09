import { z } from 'zod';
import { Transaction } from '../db/database';
import { AuthenticatedPayer } from '../certificates/certificate-authenticator';
import { RiskCard } from '../monitoring/risk-assessment';
import { Payment } from '../payments/payment';
import { BankCapability, BankInstrument } from './bank-capability';
import { PaymentMethodPage } from './payment-method-page';

/**
 * EXTENSION POINT: how a buyer pays. A method declares its `type` (the
 * `payment_method.type` a request names), the zod schema of its input (the object
 * under `payment_method.<type>`), the bank capability it needs (routing only offers
 * connections whose adapter supports it, bank-capability.ts), optionally its part of
 * the hosted page (rendered in the gateway-owned payment form island), and how a
 * confirm turns validated input into an instrument the bank call uses.
 *
 * PaymentService names no method: it parses the input with `input`, asks
 * `instrument()` (before any row is written: a throw writes nothing), routes by
 * `capability`, and in its confirm transaction lets the instrument `claim` and
 * `record` what the method keeps. Card (core) and personal account
 * (@tender/plugin-accounts) are two implementations.
 *
 * @example
 * ```ts
 * const voucherInput = z.object({ code: z.string().regex(/^[A-Z0-9]{8}$/) }).strict();
 *
 * export const voucherMethod: PaymentMethod<z.output<typeof voucherInput>> = {
 *   type: 'voucher',
 *   input: voucherInput,
 *   capability: 'voucher_redemption',
 *   page: {
 *     path: 'voucher',
 *     fields: ['code'],
 *     keep: ['code'],
 *     template: '<form method="post" action="{{method.action}}" target="_parent">'
 *       + '<input type="hidden" name="form_token" value="{{method.token}}">'
 *       + '<input name="code" value="{{part.values.code}}"> {{part.errors.code}}'
 *       + '<button type="submit">{{t.pay_button}} {{payment.amount}}</button></form>',
 *     context: () => ({}),
 *     submission: async (posted) => ({ input: { code: posted.code ?? '' } }),
 *     refusal: (error) => (error.param?.endsWith('.code') ? { status: 422, errors: { code: 'error_form' } } : undefined),
 *   },
 *   async instrument(input) {
 *     return { bank: { kind: 'fields', fields: { code: input.code } }, record: async () => undefined };
 *   },
 * };
 * // in a plugin: ctx.registerPaymentMethod(voucherMethod);
 * ```
 */
export interface PaymentMethod<Input = unknown> {
  /** Unique code, the `payment_method.type` a request names; also the key of its input object. */
  readonly type: string;
  /**
   * The method's input (`payment_method.<type>`). Problems become TenderErrors naming
   * `payment_method.<type>.<field>`; a refinement picks a catalogue code with `params: { code }`.
   */
  readonly input: z.ZodType<Input, z.ZodTypeDef, unknown>;
  /** What the bank must be able to do (bank-capability.ts). */
  readonly capability: BankCapability;
  /** The method's part of the hosted page; without it the method is API-only. */
  readonly page?: PaymentMethodPage;
  /**
   * Optional: the prefix of the ids of objects that stand for this method (e.g. 'pm'
   * for saved payment methods `pm_...`). A request may then name the object by its id
   * alone: `payment_method: "pm_123"` is this method with the input `{ id: "pm_123" }`.
   * Lower-case letters and digits, unique among the registered methods.
   *
   * @example
   * ```ts
   * // POST /v1/payments { ..., payment_method: 'pm_123', confirm: true }
   * // is the same as { type: 'saved_card', saved_card: { id: 'pm_123' } }
   * const savedCard: PaymentMethod<{ id: string; cvc?: string }> = { type: 'saved_card', referencePrefix: 'pm', ... };
   * ```
   */
  readonly referencePrefix?: string;
  /**
   * Validated input and the request's context into an instrument. Runs before any
   * row is written or any bank is asked; a TenderError thrown here writes nothing.
   * This is where a method refuses a caller it does not accept (e.g. a personal
   * account without an authenticated payer).
   */
  instrument(input: Input, context: InstrumentContext): Promise<PaymentInstrument>;
}

/** What a confirm knows besides the method's input. */
export interface InstrumentContext {
  /** The payment being confirmed, as read before its confirm transaction. */
  readonly payment: Payment;
  /** Milliseconds since the epoch, from the gateway's clock. */
  readonly now: number;
  /** The payer proven by a CertificateAuthenticator, when the request carried a certificate. */
  readonly payer: AuthenticatedPayer | undefined;
  /** True when the buyer's browser is on the gateway's own page (the hosted page). */
  readonly buyerPresent: boolean;
  /**
   * True for a merchant-initiated payment (created with `off_session: true`): the
   * buyer is absent and cannot be asked anything (no CVC, no challenge page). False
   * when the buyer confirms such a payment again on the hosted page.
   */
  readonly offSession: boolean;
  /**
   * What this confirm asks to keep the card for: what a hosted page add-on collected
   * (the buyer's consent), else the payment's own `setupFutureUsage`; null: nothing.
   */
  readonly setupFutureUsage: 'on_session' | 'off_session' | null;
  /** True when the confirm only verifies the method (a setup charging nothing, AuthorizationRequest.verification). */
  readonly verification: boolean;
}

/** The card columns of a payment row (what a payment shows of its card: brand, BIN, last 4, expiry, vault token). */
export interface PaymentCardColumns {
  readonly card_token: string | null;
  readonly card_fingerprint: string | null;
  readonly card_brand: string | null;
  readonly card_bin: string | null;
  readonly card_last4: string | null;
  readonly card_exp_month: number | null;
  readonly card_exp_year: number | null;
}

/** What `record` is told: the payment (locked, before it moves to processing) and its new bank operation. */
export interface InstrumentRecordFacts {
  readonly payment: Payment;
  readonly operationId: string;
  readonly now: number;
}

/**
 * A validated way to pay, for one confirm. It lives in memory only: whatever must
 * be kept is written by `record` in the confirm transaction (a card goes to the
 * vault there; the CVC is never written anywhere).
 */
export interface PaymentInstrument {
  /** What the bank call carries (bank-capability.ts `payThrough`). */
  readonly bank: BankInstrument;
  /**
   * The adapter code this instrument is bound to (a personal account lives at one
   * bank): routing offers only that adapter, without a connection's terms. Test-mode
   * payments still reach only the sandbox, live ones never.
   */
  readonly issuerAdapter?: string;
  /** Facts routing rules match on (brand and BIN for cards). */
  readonly routing?: { readonly brand?: string; readonly bin?: string };
  /** Card facts for transaction monitoring (docs/risk.md); without them the payment is not risk-assessed. */
  readonly risk?: RiskCard;
  /** True when the bank may authenticate the buyer (3-D Secure) on the hosted page. */
  readonly authenticable?: boolean;
  /**
   * The id of a stored payment method this instrument pays with (a saved card's
   * `pm_...`), kept by core in `payments.payment_method_id` and shown as
   * `payment_method` on the payment.
   */
  readonly paymentMethodId?: string;
  /** First in the confirm transaction, before the payment is locked (e.g. claim a signed request's nonce). */
  claim?(trx: Transaction): Promise<void>;
  /**
   * In the confirm transaction, after the bank operation is recorded: store what the
   * method keeps and return the payment's card columns (undefined: no card, all null).
   */
  record(trx: Transaction, facts: InstrumentRecordFacts): Promise<Partial<PaymentCardColumns> | undefined>;
}

export const PAYMENT_METHOD = Symbol('PaymentMethod');
