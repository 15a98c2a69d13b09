import { fields } from '@tender/core';
import { z } from 'zod';

/**
 * The `saved_card` method's input (`payment_method.saved_card`, or the reference
 * string `"pm_..."`, which core turns into `{ id }`): the saved card, the CVC when
 * the buyer types it again (never kept), and why a merchant-initiated payment is
 * made ('unscheduled' unless a schedule says 'recurring').
 *
 * @example
 * ```ts
 * parseInput(savedCardInputSchema, { id: 'pm_4fJ2...', cvc: '123' });
 * ```
 */
export const savedCardInputSchema = z
  .object({
    id: fields.id('pm'),
    // The message never echoes the value (it is a CVC).
    cvc: z
      .string()
      .superRefine((v, ctx) => {
        if (!/^[0-9]{3,4}$/.test(v)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be 3 or 4 digits', params: { code: 'card_cvc_invalid' } });
      })
      .optional(),
    reason: z.enum(['recurring', 'unscheduled']).optional(),
  })
  .strict();

export type SavedCardInput = z.output<typeof savedCardInputSchema>;
