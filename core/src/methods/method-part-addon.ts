import { Transaction } from '../db/database';
import { Payment } from '../payments/payment';
import { PreparedAdjustment } from '../payments/amount-adjuster';
import { InstrumentRecordFacts } from './payment-method';
import { MethodPageLocale } from './payment-method-page';

/**
 * EXTENSION POINT: fields a plugin adds to another method's part of the hosted page
 * (a consent checkbox on the card form, a loyalty number). Core's card part renders
 * the add-ons' HTML where its template has `{{{part.addons}}}` (before the pay
 * button); a plugin's own method part may place `{{{part.addons}}}` too.
 *
 * The template is Handlebars in the theme's environment, checked at start like a
 * method part (no `{{{ }}}`), rendered inside the part's `<form>` with the island's
 * context (`t`, `payment`), `addon` (what `context` returned), `m` (the add-on's
 * `messages` in the page's locale) and `part` (values after a refusal), and the
 * result sanitised like every method part. Only `fields` reach `submission`.
 *
 * @example
 * ```ts
 * ctx.registerMethodPartAddon({
 *   name: 'acme-loyalty',
 *   methods: ['card'],
 *   fields: ['loyalty_number'],
 *   template: '<label class="field">{{m.label}} <input name="loyalty_number" value="{{part.values.loyalty_number}}"></label>',
 *   messages: { en: { label: 'Loyalty number' }, ru: { label: 'Номер карты лояльности' }, ar: { label: 'رقم الولاء' } },
 *   context: async (payment) => (payment.customerId === null ? undefined : {}),
 *   submission: async (posted, facts) => ({
 *     record: async (trx, recorded) => { await trx('acme_loyalty').insert({ payment_id: recorded.payment.id, number: posted.loyalty_number ?? '' }); },
 *   }),
 * });
 * ```
 */
export interface MethodPartAddon {
  /** Unique; starts with the plugin's short name. */
  readonly name: string;
  /** The method types whose part shows it, e.g. ['card']. */
  readonly methods: readonly string[];
  /** The posted fields it reads (given to `submission`; the method's own fields are not). */
  readonly fields: readonly string[];
  /** Handlebars fragment rendered inside the part's `<form>`, sanitised like parts. */
  readonly template: string;
  /** Its texts (`m.*` in its template), per page locale. */
  readonly messages: Readonly<Record<MethodPageLocale, Readonly<Record<string, string>>>>;
  /** Shown for this payment? Returns the fragment's context (`addon.*`), undefined to hide it. */
  context(payment: Payment, locale: MethodPageLocale): Promise<Record<string, unknown> | undefined>;
  /** The buyer's post, before the confirm; a TenderError refuses the post with nothing written. */
  submission(posted: Readonly<Record<string, string>>, facts: AddonSubmissionFacts): Promise<AddonSubmission>;
}

/** What an add-on's `submission` is told besides its fields. */
export interface AddonSubmissionFacts {
  readonly payment: Payment;
  readonly ip: string | undefined;
  readonly locale: MethodPageLocale;
  readonly now: number;
}

/** What an add-on makes of the buyer's post. */
export interface AddonSubmission {
  /** The buyer consented to saving the card for later payments. */
  readonly setupFutureUsage?: 'on_session' | 'off_session';
  /** An amount off the payment (AmountAdjuster's prepared form), applied in the confirm transaction (e.g. points spent). */
  readonly adjustment?: PreparedAdjustment;
  /** In the confirm transaction, after the bank operation is recorded (e.g. the consent row). */
  record?(trx: Transaction, facts: InstrumentRecordFacts): Promise<void>;
}
