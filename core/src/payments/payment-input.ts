import { isIP } from 'node:net';
import { z } from 'zod';
import { findCurrency } from '../money/currencies';
import { isValidAmount } from '../money/money';
import { fields } from '../http/validation';
import { PAYMENT_STATUSES } from './payment-state-machine';

/** An amount in minor units; anything else is `amount_invalid`. */
export const amountField = z.unknown().superRefine((value, ctx) => {
  if (value === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, params: { code: 'parameter_missing' }, message: 'is required' });
  } else if (!isValidAmount(value)) {
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
    order_id: fields.identifier(128),
    description: fields.line(1000).optional(),
    capture_method: z.enum(['automatic', 'manual']).default('automatic'),
    return_url: fields.httpUrl.optional(),
    metadata: fields.metadata,
    customer_email: z.string().max(320).email().optional(),
    /** The hosted page's language; without it the buyer's Accept-Language decides. */
    locale: z.enum(['ru', 'en', 'ar']).optional(),
  })
  .strict();

export type CreatePaymentInput = z.output<typeof createPaymentSchema>;

/** The buyer as the shop saw them; transaction monitoring uses both (docs/risk.md). */
export const customerField = z
  .object({
    ip: z.string().max(45).refine((ip) => isIP(ip) !== 0, 'must be an IPv4 or IPv6 address'),
    email: z.string().max(320).email(),
  })
  .partial()
  .strict();

/** POST /v1/payments/:id/confirm; card fields are checked by the card payment method. */
export const confirmPaymentSchema = z
  .object({
    payment_method: z
      .object({
        type: z.string(),
        card: z.record(z.unknown()).optional(),
      })
      .strict(),
    customer: customerField.optional(),
  })
  .strict();

/** POST /v1/payments/:id/capture */
export const capturePaymentSchema = z.object({ amount: amountField.optional() }).strict();

export const cancelPaymentSchema = z.object({}).strict();

/** GET /v1/payments */
export const listPaymentsSchema = z
  .object({
    order_id: fields.identifier(128, 0).optional(),
    status: z.enum(PAYMENT_STATUSES).optional(),
    limit: fields.limit,
    starting_after: fields.id('pay').optional(),
    /** ISO 8601 time or Unix seconds: only payments changed at or after it. */
    updated_since: z
      .string()
      .max(40)
      .transform((v) => (/^\d{1,12}$/.test(v) ? Number(v) * 1000 : Date.parse(v)))
      .refine((t) => Number.isFinite(t), 'must be an ISO 8601 time or Unix seconds')
      .optional(),
  })
  .strict();
