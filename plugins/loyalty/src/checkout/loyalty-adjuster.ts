import { AmountAdjuster, Database, PreparedAdjustment, TenderError } from '@tender/core';
import { z } from 'zod';
import { PaymentPoints } from '../ledger/payment-points';
import { LoyaltyStore } from '../programs/loyalty-store';

/** `adjustments.loyalty` on confirm: a card number (or none: the paying card's fingerprint is tried) and the points to spend. */
export const loyaltyAdjustmentInput = z
  .object({
    card: z
      .string()
      .max(24)
      .regex(/^[0-9 -]+$/, 'must be the loyalty card number')
      .optional(),
    redeem_points: z.number().int().min(0).max(1_000_000_000).default(0),
    /** Link the paying card to the loyalty card, so later payments with it are recognised. */
    link_card: z.boolean().default(false),
  })
  .strict();

export type LoyaltyAdjustmentInput = z.infer<typeof loyaltyAdjustmentInput>;

/**
 * The loyalty program's AmountAdjuster: `{"adjustments": {"loyalty": {"card": "7...", "redeem_points": 500}}}`
 * on confirm. `prepare` checks the card (check digit, program, merchant, mode,
 * currency) before anything is written; `apply`, in the confirm transaction,
 * spends the points under the account's row lock (so two confirms cannot spend one
 * balance twice) and returns the discount: the points' value plus the best fixed
 * discount of the program's rules. Without a card, a card linked to the paying
 * card's fingerprint is used; with neither, nothing is taken off.
 *
 * @example
 * ```ts
 * ctx.registerAmountAdjuster(loyaltyAdjuster(() => ctx.core.database, store, points));
 * ```
 */
export function loyaltyAdjuster(db: () => Database, store: LoyaltyStore, points: PaymentPoints): AmountAdjuster<LoyaltyAdjustmentInput> {
  return {
    name: 'loyalty',
    input: loyaltyAdjustmentInput,
    async prepare(input, facts) {
      // Checked now so that a wrong number is refused before anything is written.
      await store.cardForPayment(db(), facts.payment, { number: input.card, fingerprint: facts.cardFingerprint });
      return loyaltyAdjustment(store, points, input.card, input.redeem_points, input.link_card);
    },
  };
}

/** The adjustment both the API and the hosted page's add-on apply in the confirm transaction. */
export function loyaltyAdjustment(
  store: LoyaltyStore,
  points: PaymentPoints,
  card: string | undefined,
  redeemPoints: number,
  linkCard = false,
): PreparedAdjustment {
  return {
    async apply(trx, due) {
      const found = await store.cardForPayment(trx, due.payment, { number: card, fingerprint: due.cardFingerprint });
      if (found === undefined) {
        if (redeemPoints > 0)
          throw new TenderError('loyalty_card_invalid', { param: 'card', message: 'Points can be spent only with a loyalty card: enter its number.' });
        return 0;
      }
      if (linkCard && due.cardFingerprint !== undefined) await store.linkFingerprintIn(trx, found.card, due.cardFingerprint);
      return points.redeem(trx, due.payment, found, redeemPoints, due.amountDue, due.now);
    },
  };
}
