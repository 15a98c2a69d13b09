import { currencyField, fields } from '@tender/core';
import { z } from 'zod';

/**
 * `POST /v1/setup_attempts`: save a customer's card without charging it. With
 * `payment_method` (card data, buyer absent) the card is verified at once; without
 * it the answer's `setup_url` is the hosted page where the buyer enters the card
 * and ticks the consent box.
 *
 * @example
 * ```ts
 * parseInput(createSetupAttemptSchema, { customer: 'cus_...', currency: 'RUB', payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } } });
 * ```
 */
export const createSetupAttemptSchema = z
  .object({
    customer: fields.id('cus'),
    /** The currency of the verification authorization (the amount is the operator's `verificationAmount`, voided at once). */
    currency: currencyField,
    usage: z.enum(['on_session', 'off_session']).default('off_session'),
    payment_method: z
      .object({ type: z.literal('card'), card: z.record(z.unknown()) })
      .strict()
      .optional(),
    return_url: fields.httpUrl.optional(),
    locale: z.enum(['ru', 'en', 'ar']).optional(),
    metadata: fields.metadata,
  })
  .strict();

export type CreateSetupAttemptInput = z.output<typeof createSetupAttemptSchema>;
