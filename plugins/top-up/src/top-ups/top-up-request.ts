import { z } from 'zod';
import { PAGE_LOCALES } from '@tender/core';

/** `POST /plugins/top-up/api/top-ups` and the public page's form (the form's text fields are converted first). */
export const topUpRequestSchema = z
  .object({
    phone: z.string().max(32),
    /** Kopecks credited to the phone; the fee is added on top. */
    amount: z.number().int().min(1),
    currency: z.literal('RUB').default('RUB'),
    email: z.string().max(320).email().optional(),
    locale: z.enum(PAGE_LOCALES).default('ru'),
  })
  .strict();

export type TopUpRequestInput = z.output<typeof topUpRequestSchema>;
