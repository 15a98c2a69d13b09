import { ZodType, ZodTypeDef } from 'zod';
import { Transaction } from '../db/database';
import { MerchantContext } from '../merchants/merchant-context';
import { Payment } from './payment';

/**
 * EXTENSION POINT: something that takes an amount off a payment when it is
 * confirmed (a loyalty discount paid with points, a coupon). The merchant's API
 * names it under `adjustments` on confirm (`"adjustments": { "<name>": {...} }`,
 * parsed with `input`); a hosted-page add-on returns one from its `submission`
 * (AddonSubmission.adjustment).
 *
 * `prepare` runs before anything is written (a TenderError refuses the confirm with
 * nothing written); `apply` runs in the confirm transaction with the payment row
 * locked, before the bank operation is recorded, and returns the discount in minor
 * units of the payment's currency. Whatever `apply` writes (a points redemption)
 * commits or rolls back with the confirm, so two confirms cannot spend one balance
 * twice. Core then sets `amount` (what the bank is asked for) to `amount_gross`
 * minus the discounts, keeps `amount_discount`, and every confirm starts again from
 * `amount_gross` (a new attempt after a decline is adjusted afresh). Undoing what
 * `apply` wrote when the payment fails, is canceled or refunded is the plugin's
 * job, with an EventListener on `payment.failed`, `payment.canceled`,
 * `refund.succeeded`.
 *
 * @example
 * ```ts
 * ctx.registerAmountAdjuster({
 *   name: 'acme-coupons',
 *   input: z.object({ code: z.string().regex(/^[A-Z0-9]{8}$/) }).strict(),
 *   async prepare(input, facts) {
 *     const coupon = await coupons.find(facts.merchant, input.code); // throws notFound('coupon', code)
 *     return { apply: async (trx, due) => { await coupons.spend(trx, coupon, due.payment.id); return Math.min(coupon.amount, due.amountDue - 1); } };
 *   },
 * });
 * ```
 */
export interface AmountAdjuster<Input = unknown> {
  /** The key under `adjustments` on confirm; lower-case letters, digits and `-`, starting with the plugin's short name. */
  readonly name: string;
  /** The input's schema (an object schema; `.strict()` recommended). */
  readonly input: ZodType<Input, ZodTypeDef, unknown>;
  /** Before anything is written: check the input against the payment; throw a TenderError to refuse. */
  prepare(input: Input, facts: AdjustmentFacts): Promise<PreparedAdjustment>;
}

/**
 * What an adjuster's `prepare` is told.
 *
 * @example
 * ```ts
 * async prepare(input, facts) { if (facts.payment.currency !== 'RUB') throw new TenderError('parameter_invalid', { param: 'adjustments.acme' }); ... }
 * ```
 */
export interface AdjustmentFacts {
  readonly merchant: MerchantContext;
  /** The payment as it is before the confirm (its `amountGross` is what adjustments start from). */
  readonly payment: Payment;
  /** The keyed fingerprint of the card being paid with (as `payments.card_fingerprint` keeps it), when the method is a card. */
  readonly cardFingerprint: string | undefined;
  readonly now: number;
}

/**
 * An adjustment ready to be applied in the confirm transaction.
 *
 * @example
 * ```ts
 * const prepared: PreparedAdjustment = { apply: async (trx, due) => Math.min(500, due.amountDue - 1) };
 * ```
 */
export interface PreparedAdjustment {
  /**
   * In the confirm transaction, the payment locked: write what the adjustment
   * takes (e.g. the redemption's ledger entries) and return the discount, an
   * integer from 0 to `amountDue - 1` (the bank is always asked for at least one
   * minor unit). A TenderError refuses the confirm; everything rolls back.
   */
  apply(trx: Transaction, due: AdjustmentDue): Promise<number>;
}

/**
 * What `apply` is told: the locked payment, the amount still due after earlier adjustments.
 *
 * @example
 * ```ts
 * apply: async (trx, { payment, amountDue }) => { await spend(trx, payment.id); return Math.floor(amountDue / 10); }
 * ```
 */
export interface AdjustmentDue {
  readonly payment: Payment;
  readonly amountDue: number;
  /** The keyed fingerprint of the card being paid with, when the method is a card (recognises a linked loyalty card). */
  readonly cardFingerprint: string | undefined;
  readonly now: number;
}
