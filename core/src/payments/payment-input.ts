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
export const amountField = noteJsonSchema(
  z.unknown(),
  { type: 'integer', minimum: 1, maximum: MAX_AMOUNT, description: 'Minor units of the currency (10050 is 100.50).' },
  'replace',
).superRefine((value, ctx) => {
  if (value === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, params: { code: 'parameter_missing' }, message: 'is required' });
  } else if (!isValidAmount(value)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      params: { code: 'amount_invalid' },
      message: 'must be a positive integer in minor units (e.g. 10050 for 100.50)',
    });
  }
}) as unknown as z.ZodType<number>;

export const currencyField = noteJsonSchema(z.string(), {
  pattern: '^[A-Za-z]{3}$',
  description: 'An ISO 4217 code this instance supports; lower case is accepted.',
})
  .transform((c) => c.toUpperCase())
  .superRefine((c, ctx) => {
    if (findCurrency(c) === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        params: { code: 'currency_unsupported' },
        message: `'${c.slice(0, 8)}' is not a supported ISO 4217 currency`,
      });
    }
  });

/** The buyer as the shop saw them; transaction monitoring uses both (docs/risk.md). */
export const customerField = z
  .object({
    ip: z
      .string()
      .max(45)
      .refine((ip) => isIP(ip) !== 0, 'must be an IPv4 or IPv6 address'),
    email: z.string().max(320).email(),
  })
  .partial()
  .strict();

/**
 * `payment_method` of a confirm: `type` and, under the key named by the type, that
 * method's own input (`{ type: 'card', card: {...} }`), which the method's schema
 * checks (parseMethodInput). Other keys are parameter_unknown there.
 */
export const paymentMethodField = z.object({ type: z.string().max(40) }).catchall(z.record(z.unknown()));

/**
 * `payment_method` as the id of an object that stands for a method (a saved card's
 * `pm_...`): the method whose `referencePrefix` is the part before `_` takes it as
 * `{ id: <the reference> }`.
 */
export const paymentMethodReference = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9]{0,15}_[0-9A-Za-z]{1,47}$/, 'must be a method object { type, <type>: {...} } or a reference such as pm_...');

/** `payment_method`: the object, or a reference string. */
export const paymentMethodOrReference = z.union([paymentMethodReference, paymentMethodField]);

export type PaymentMethodObject = { readonly type: string } & Readonly<Record<string, unknown>>;
/** The method object, or a reference string naming a stored method (`"pm_..."`). */
export type PaymentMethodInput = PaymentMethodObject | string;

/** POST /v1/payments/:id/confirm; the method's fields are checked by the payment method. */
export const confirmPaymentSchema = z
  .object({
    payment_method: paymentMethodOrReference,
    customer: customerField.optional(),
    /** Input for registered AmountAdjusters by name (e.g. `{ "loyalty": { "card": "...", "redeem_points": 500 } }`); each is parsed by its adjuster. */
    adjustments: z.record(z.string().max(60), z.unknown()).optional(),
  })
  .strict();

/** An id of an object a plugin keeps (a customer's `cus_...`): prefix, `_`, letters and digits; at most 40. */
const objectId = z
  .string()
  .max(40)
  .regex(/^[a-z][a-z0-9]{0,15}_[0-9A-Za-z]{1,36}$/, 'must be an id such as cus_...');

/**
 * POST /v1/payments. With `confirm: true` the payment is created and confirmed in
 * one request (`payment_method` required; the buyer is not present). `customer`
 * (checked against the registered CustomerDirectory), `setup_future_usage` (needs
 * `customer`), `off_session` (needs `customer` and `confirm: true`).
 */
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
    customer: objectId.optional(),
    setup_future_usage: z.enum(['on_session', 'off_session']).optional(),
    off_session: z.boolean().optional(),
    confirm: z.boolean().optional(),
    payment_method: paymentMethodOrReference.optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    const needs = (field: string, what: string, message: string): void => {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [what], params: { code: 'parameter_missing' }, message: `is required with ${field}: ${message}` });
    };
    if (input.setup_future_usage !== undefined && input.customer === undefined) needs('setup_future_usage', 'customer', 'a card is saved for a customer');
    if (input.off_session === true && input.customer === undefined) needs('off_session', 'customer', 'a merchant-initiated payment is made for a customer');
    if (input.off_session === true && input.confirm !== true)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['confirm'],
        params: { code: 'parameter_invalid' },
        message: 'must be true with off_session: a merchant-initiated payment is created and confirmed at once',
      });
    if (input.payment_method !== undefined && input.confirm !== true)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['confirm'],
        params: { code: 'parameter_invalid' },
        message: 'must be true with payment_method (or confirm later with POST /v1/payments/:id/confirm)',
      });
    if (input.confirm === true && input.payment_method === undefined) needs('confirm', 'payment_method', 'a payment is confirmed with a payment method');
  });

export type CreatePaymentInput = z.output<typeof createPaymentSchema>;

/**
 * The method's input from `payment_method`: the object under the method's type,
 * parsed with its schema; errors name `payment_method.<type>.<field>`.
 */
export function parseMethodInput<I>(method: PaymentMethod<I>, paymentMethod: PaymentMethodObject): I {
  const stray = Object.keys(paymentMethod).find((k) => k !== 'type' && k !== method.type);
  if (stray !== undefined)
    throw new TenderError('parameter_unknown', { param: `payment_method.${stray}`, message: `Unknown parameter: payment_method.${stray}.` });
  const schema = wrapperFor(method.type, method.input);
  const wrapped = parseInput(schema, { payment_method: { [method.type]: paymentMethod[method.type] } }) as { payment_method: Record<string, I> };
  return wrapped.payment_method[method.type];
}

/**
 * The schema that reports a method's errors under `payment_method.<type>`, built once
 * per method schema (zod schemas are immutable): building it on every confirm showed
 * in the bench's CPU profile of the payment path.
 */
const wrappers = new WeakMap<z.ZodType, Map<string, z.ZodType>>();
function wrapperFor(type: string, input: z.ZodType): z.ZodType {
  let byType = wrappers.get(input);
  if (byType === undefined) wrappers.set(input, (byType = new Map<string, z.ZodType>()));
  let schema = byType.get(type);
  if (schema === undefined) byType.set(type, (schema = z.object({ payment_method: z.object({ [type]: input }) })));
  return schema;
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
