import { isIP } from 'node:net';
import { z } from 'zod';
import { findCurrency } from '../money/currencies';
import { MAX_AMOUNT, isValidAmount } from '../money/money';
import { noteJsonSchema } from '../http/openapi/schema-notes';
import { fields, parseInput } from '../http/validation';
import { TenderError } from '../errors/tender-error';
import { PaymentMethod } from '../methods/payment-method';
import { PAYMENT_STATUSES } from './payment-state-machine';

/** An amount in minor units; anything else is `amount_invalid`. */
export const amountField = noteJsonSchema(z.unknown(), { type: 'integer', minimum: 1, maximum: MAX_AMOUNT, description: 'Minor units of the currency (10050 is 100.50).' }, 'replace').superRefine((value, ctx) => {
  if (value === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, params: { code: 'parameter_missing' }, message: 'is required' });
  } else if (!isValidAmount(value)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, params: { code: 'amount_invalid' }, message: 'must be a positive integer in minor units (e.g. 10050 for 100.50)' });
  }
}) as unknown as z.ZodType<number>;

export const currencyField = noteJsonSchema(z.string(), { pattern: '^[A-Za-z]{3}$', description: 'An ISO 4217 code this instance supports; lower case is accepted.' })
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

/**
 * `payment_method` of a confirm: `type` and, under the key named by the type, that
 * method's own input (`{ type: 'card', card: {...} }`), which the method's schema
 * checks (parseMethodInput). Other keys are parameter_unknown there.
 */
export const paymentMethodField = z
  .object({ type: z.string().max(40) })
  .catchall(z.record(z.unknown()));

export type PaymentMethodInput = { readonly type: string } & Readonly<Record<string, unknown>>;

/** POST /v1/payments/:id/confirm; the method's fields are checked by the payment method. */
export const confirmPaymentSchema = z
  .object({
    payment_method: paymentMethodField,
    customer: customerField.optional(),
  })
  .strict();

/**
 * The method's input from `payment_method`: the object under the method's type,
 * parsed with its schema; errors name `payment_method.<type>.<field>`.
 */
export function parseMethodInput<I>(method: PaymentMethod<I>, paymentMethod: PaymentMethodInput): I {
  const stray = Object.keys(paymentMethod).find((k) => k !== 'type' && k !== method.type);
  if (stray !== undefined) throw new TenderError('parameter_unknown', { param: `payment_method.${stray}`, message: `Unknown parameter: payment_method.${stray}.` });
  const schema = z.object({ payment_method: z.object({ [method.type]: method.input }) });
  const wrapped = parseInput(schema, { payment_method: { [method.type]: paymentMethod[method.type] } }) as { payment_method: Record<string, I> };
  return wrapped.payment_method[method.type] as I;
}

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
