import { z } from 'zod';
import { findCurrency } from '../money/currencies';
import { isValidAmount } from '../money/money';
import { fields } from '../http/validation';
import { PAYMENT_STATUSES } from './payment-state-machine';

/** An amount in minor units; anything else is `amount_invalid`. */
export const amountField = z.unknown().superRefine((value, ctx) => {
  if (!isValidAmount(value)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, params: { code: 'amount_invalid' }, message: 'must be a positive integer in minor units (e.g. 10050 for 100.50)' });
  }
}) as unknown as z.ZodType<number>;

export const currencyField = z
  .string()
  .transform((c) => c.toUpperCase())
  .superRefine((c, ctx) => {
    if (findCurrency(c) === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, params: { code: 'currency_unsupported' }, message: `'${c.slice(0, 8)}' is not a supported ISO 4217 currency` });
    }
  });

/** POST /v1/payments */
export const createPaymentSchema = z
  .object({
    amount: amountField,
    currency: currencyField,
    order_id: z.string().min(1).max(128).regex(/^[\x20-\x7E\u00A0-\uFFFF]+$/, 'must be printable text'),
    description: z.string().max(1000).optional(),
    capture_method: z.enum(['automatic', 'manual']).default('automatic'),
    return_url: fields.httpUrl.optional(),
    metadata: fields.metadata,
    /** The hosted page's language; without it the buyer's Accept-Language decides. */
    locale: z.enum(['ru', 'en', 'ar']).optional(),
  })
  .strict();

export type CreatePaymentInput = z.output<typeof createPaymentSchema>;

/** POST /v1/payments/:id/confirm; card fields are checked by the card payment method. */
export const confirmPaymentSchema = z
  .object({
    payment_method: z
      .object({
        type: z.string(),
        card: z.record(z.unknown()).optional(),
      })
      .strict(),
  })
  .strict();

/** POST /v1/payments/:id/capture */
export const capturePaymentSchema = z.object({ amount: amountField.optional() }).strict();

export const cancelPaymentSchema = z.object({}).strict();

/** GET /v1/payments */
export const listPaymentsSchema = z
  .object({
    order_id: z.string().max(128).optional(),
    status: z.enum(PAYMENT_STATUSES).optional(),
    limit: fields.limit,
    starting_after: fields.id('pay').optional(),
  })
  .strict();
