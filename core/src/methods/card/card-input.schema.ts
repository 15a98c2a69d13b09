import { z } from 'zod';
import { TenderError } from '../../errors/tender-error';
import { CardInput, parseCardInput } from './card-input';

/** The card's fields as `payment_method.card` may carry them; anything else is parameter_unknown. */
const cardFields = z.object({ number: z.unknown(), exp_month: z.unknown(), exp_year: z.unknown(), cvc: z.unknown(), holder_name: z.unknown() }).strict();

/**
 * The card method's input schema: the fields above, then parseCardInput's checks
 * (Luhn, brand length, expiry against `now()`, CVC shape, holder name), each
 * problem an issue on its field with its catalogue code (card_number_invalid,
 * card_expiry_invalid, card_cvc_invalid, ...). Messages never echo the values.
 *
 * @example
 * ```ts
 * const schema = cardInputSchema(() => clock.now());
 * parseInput(z.object({ card: schema }), { card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } });
 * ```
 */
export function cardInputSchema(now: () => number): z.ZodType<CardInput, z.ZodTypeDef, unknown> {
  return cardFields.transform((raw, ctx) => {
    try {
      return parseCardInput(raw, new Date(now()), '');
    } catch (error) {
      if (!(error instanceof TenderError)) throw error;
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: error.param === undefined ? [] : [error.param], params: { code: error.code }, message: error.message });
      return z.NEVER;
    }
  });
}
