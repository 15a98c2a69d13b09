import { z } from 'zod';
import { ERROR_CATALOGUE, ErrorCode, ErrorType } from '../../errors/error-catalogue';
import { PAYMENT_STATUSES } from '../../payments/payment-state-machine';
import { EVENT_TYPES } from '../../notifications/event-types';
import type { PaymentView } from '../../payments/payment-view';
import type { RefundView } from '../../refunds/refund';
import type { DeliveryView } from '../../notifications/webhooks/webhook-delivery-log';
import type { WebhookEndpointView } from '../../notifications/webhooks/webhook-endpoint';
import type { ApiKeyView } from '../../merchants/api-keys';

/**
 * The objects the merchant API answers with, as zod schemas: the OpenAPI document is
 * generated from them (json-schema.ts) and the API description test parses real
 * responses with them in strict mode, so a field added to a view without its
 * schema, or the reverse, fails that test. They describe the views
 * (payment-view.ts, refund.ts, ...) rather than replace them: the views map from
 * the domain and these only state what comes out.
 *
 * @example
 * ```ts
 * paymentSchema.strict().parse(response.body);
 * ```
 */
const timestamp = z.string().datetime().describe('ISO 8601, UTC, milliseconds.');
const nullableText = z.string().nullable();

export const paymentSchema = z
  .object({
    id: z.string().describe('Starts with pay_.'),
    object: z.literal('payment'),
    status: z.enum(PAYMENT_STATUSES),
    amount: z.number().int().describe('Minor units: what the bank is asked for (net of amount_discount); captures and refunds are limited by it.'),
    amount_gross: z.number().int().describe("What the merchant asked for, before a confirm's adjustments (a loyalty discount)."),
    amount_discount: z.number().int().describe('What the adjustments took off: amount_gross - amount.'),
    amount_captured: z.number().int(),
    amount_refunded: z.number().int(),
    currency: z.string().describe('ISO 4217, upper case.'),
    order_id: z.string(),
    description: nullableText,
    capture_method: z.enum(['automatic', 'manual']),
    livemode: z.boolean(),
    payment_url: z.string().describe('The hosted payment page; send the buyer here.'),
    return_url: nullableText,
    customer_email: nullableText,
    metadata: z.record(z.string()),
    failure_code: nullableText.describe('A code of docs/errors.md when the payment was declined or failed.'),
    failure_message: nullableText,
    card: z
      .object({ brand: z.string(), bin: z.string(), last4: z.string(), exp_month: z.number().int(), exp_year: z.number().int() })
      .strict()
      .nullable()
      .describe('Brand, BIN and last 4 only.'),
    risk: z
      .object({
        score: z.number(),
        decision: z.string(),
        reasons: z.array(z.object({ rule: z.string(), score: z.number(), reason: z.string(), dry_run: z.boolean() }).strict()),
      })
      .strict()
      .nullable()
      .describe("Transaction monitoring's score, decision and the rules that fired (docs/risk.md)."),
    locale: z.enum(['ru', 'en', 'ar']).nullable().describe("The hosted page's language, when the shop chose one."),
    three_d_secure: z
      .object({ eci: nullableText, status: z.string().describe('transStatus: Y, A, N, R or U.') })
      .strict()
      .nullable()
      .describe('The 3-D Secure authentication; null when none took place.'),
    customer: nullableText.describe('The customer the payment is for (an id such as cus_...), when the shop named one.'),
    setup_future_usage: z
      .enum(['on_session', 'off_session'])
      .nullable()
      .describe('Keep the card after a successful payment: for payments with the buyer present (on_session) or merchant-initiated ones too (off_session).'),
    off_session: z.boolean().describe('A merchant-initiated payment: created and confirmed with the buyer absent.'),
    payment_method: nullableText.describe('The saved payment method (pm_...) it was paid with, when it was.'),
    next_action: z
      .union([
        z
          .object({
            type: z.literal('display_qr'),
            qr: z
              .object({
                payload: z.string().describe('The text the QR code encodes (for SBP a https://qr.nspk.ru/... link).'),
                image_data_url: z.string().describe('The QR code as a data:image/png;base64 or data:image/svg+xml;base64 URL.'),
              })
              .strict(),
            mobile_url: z.string().optional().describe("On a phone: opens the payment in a bank's app."),
            expires_at: timestamp.nullable(),
          })
          .strict(),
        z
          .object({
            type: z.literal('redirect_to_url'),
            url: z.string().describe("Where to send the buyer (the wallet's page)."),
            expires_at: timestamp.nullable(),
          })
          .strict(),
      ])
      .nullable()
      .describe('While requires_action for a payment the buyer completes elsewhere (SBP, e-wallet): what to show or where to send the buyer, and until when.'),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .strict();

export const refundSchema = z
  .object({
    id: z.string().describe('Starts with ref_.'),
    object: z.literal('refund'),
    payment_id: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    reason: nullableText,
    failure_code: nullableText,
    failure_message: nullableText,
    livemode: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .strict();

const errorCodes = Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]];
const errorTypes = [...new Set(Object.values(ERROR_CATALOGUE).map((d) => d.type))] as [ErrorType, ...ErrorType[]];

export const errorSchema = z
  .object({
    error: z
      .object({
        type: z.enum(errorTypes),
        code: z.enum(errorCodes).describe('Documented in docs/errors.md; the HTTP status follows from it.'),
        message: z.string(),
        param: z.string().optional().describe('The parameter at fault, as a dotted path.'),
        request_id: z.string().optional().describe('The request id also sent in the X-Request-Id header; quote it when asking the operator about this answer.'),
      })
      .strict(),
  })
  .strict();

export const eventSchema = z
  .object({
    id: z.string().describe('Starts with evt_.'),
    object: z.literal('event'),
    type: z.string().describe(`One of core's event types (${EVENT_TYPES.join(', ')}) or one a plugin registered (docs/plugins.md, "Event types").`),
    created_at: timestamp,
    livemode: z.boolean(),
    data: z
      .object({ object: z.object({ id: z.string(), object: z.string() }).passthrough().describe('The payment or refund right after the change.') })
      .strict(),
  })
  .strict();

export const webhookEndpointSchema = z
  .object({
    id: z.string().describe('Starts with we_.'),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    events: z.array(z.string()),
    description: nullableText,
    status: z.enum(['enabled', 'deleted']).describe('deleted only in the answer to DELETE.'),
    livemode: z.boolean(),
    secret: z.string().optional().describe('Only in the answers to create and rotate_secret.'),
    previous_secret_expires_at: timestamp.nullable(),
    created_at: timestamp,
  })
  .strict();

export const webhookDeliverySchema = z
  .object({
    id: z.string().describe('Starts with whd_.'),
    object: z.literal('webhook_delivery'),
    endpoint_id: z.string(),
    event_id: z.string(),
    status: z.enum(['pending', 'delivered', 'failed', 'canceled']),
    attempt_count: z.number().int(),
    next_attempt_at: timestamp.nullable(),
    delivered_at: timestamp.nullable(),
    created_at: timestamp,
    attempts: z.array(
      z
        .object({
          attempt: z.number().int(),
          started_at: timestamp,
          status_code: z.number().int().nullable(),
          latency_ms: z.number().int(),
          response_excerpt: nullableText,
          error: nullableText,
        })
        .strict(),
    ),
  })
  .strict();

export const apiKeySchema = z
  .object({
    id: z.string().describe('Starts with key_.'),
    object: z.literal('api_key'),
    livemode: z.boolean(),
    kind: z.enum(['secret', 'publishable']),
    label: nullableText,
    display: z.string().describe('The last characters of the key, for recognising it.'),
    created_at: timestamp,
    expires_at: timestamp.nullable(),
    revoked_at: timestamp.nullable(),
    secret: z.string().optional().describe('The key itself: only in the answers to create and roll.'),
  })
  .strict();

export const brandingViewSchema = z
  .object({
    object: z.literal('branding'),
    logo_url: nullableText,
    primary_color: nullableText,
    background_color: nullableText,
    text_color: nullableText,
    font: z.enum(['system', 'serif', 'rounded', 'monospace']).nullable(),
    button_style: z.enum(['rounded', 'square', 'pill']).nullable(),
    custom_css: nullableText,
    template: nullableText,
    frame_ancestors: z.array(z.string()).describe('Origins allowed to show the page in an iframe.'),
    updated_at: timestamp.nullable(),
  })
  .strict()
  .describe("The merchant's payment-page branding (docs/branding.md); null means Tender's default.");

/** An object this version describes by its `object` name only; its fields are in docs/api.md. */
export const namedObject = (name: string) => z.object({ object: z.literal(name) }).passthrough();

/** `{ object: 'list', data, has_more }` around any item schema. */
export const listOf = (item: z.ZodTypeAny) => z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean().optional() }).strict();

/**
 * Compile-time checks that each schema states what its view returns: the same fields
 * (one added to a view, or to a schema, without the other stops the build), and
 * what the schema promises fits the view's types (the schema may be narrower: enums
 * where the view says string). ReadonlyArray and arrays count as the same.
 */
type Loose<T> = T extends ReadonlyArray<infer U> ? Loose<U>[] : T extends object ? { -readonly [K in keyof T]: Loose<T[K]> } : T;
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type Describes<S, V> = SameKeys<S, V> extends true ? ([Loose<S>] extends [Loose<V>] ? true : false) : false;
export const VIEWS_MATCH_SCHEMAS: [
  Describes<z.output<typeof paymentSchema>, PaymentView>,
  Describes<z.output<typeof refundSchema>, RefundView>,
  Describes<z.output<typeof webhookDeliverySchema>, DeliveryView>,
  Describes<z.output<typeof webhookEndpointSchema>, WebhookEndpointView>,
  Describes<Omit<z.output<typeof apiKeySchema>, 'secret'>, ApiKeyView>,
] = [true, true, true, true, true];
