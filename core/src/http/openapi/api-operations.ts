import { z, AnyZodObject, ZodTypeAny } from 'zod';
import { chooseBankSchema } from '../api/account.routes';
import { createKeySchema, rollSchema } from '../api/api-keys.routes';
import { listEventsSchema } from '../api/events.routes';
import { emptyBody, listReviewsSchema, versionsSchema } from '../api/risk.routes';
import { createMerchantSchema } from '../../merchants/merchant.service';
import { companyDetailsSchema } from '../../merchants/company-details';
import { brandingSchema } from '../../branding/branding-input';
import { createPaymentLinkSchema } from '../../payment-links/payment-link.service';
import { cancelPaymentSchema, capturePaymentSchema, confirmPaymentSchema, createPaymentSchema, listPaymentsSchema } from '../../payments/payment-input';
import { createRefundSchema, listRefundsSchema } from '../../refunds/refund-input';
import { routingRuleSetSchema } from '../../routing/routing-rules';
import { ruleSetSchema } from '../../monitoring/risk-settings';
import {
  createEndpointSchema,
  listDeliveriesSchema,
  listEndpointsSchema,
  redeliverSchema,
  rotateSecretSchema,
} from '../../notifications/webhooks/webhook-endpoint-input';
import { createTokenSchema } from '../../elements/token.routes';
import { cardTokenSchema } from '../../elements/card-token.schema';
import {
  apiKeySchema,
  brandingViewSchema,
  eventSchema,
  listOf,
  namedObject,
  paymentSchema,
  refundSchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
} from './response-schemas';

/**
 * One route of the merchant API as the OpenAPI document describes it. `body` and
 * `query` are the very schemas the route parses its input with.
 *
 * @example
 * ```ts
 * { method: 'get', path: '/v1/payments/:id', tag: 'Payments', summary: 'Retrieve a payment', ids: { id: 'pay' }, status: 200, response: paymentSchema }
 * ```
 */
export interface ApiOperation {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  /** Express form, as the route is registered (`/v1/payments/:id`). */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly body?: ZodTypeAny;
  /** The body may be left out (`req.body ?? {}`). */
  readonly bodyOptional?: boolean;
  readonly query?: AnyZodObject;
  /** Path parameters and the id prefix each must start with. */
  readonly ids?: Readonly<Record<string, string>>;
  /** Replays the first answer for a repeated Idempotency-Key (docs/api.md#idempotency). */
  readonly idempotent?: boolean;
  /** Needs no key (sign-up). */
  readonly public?: boolean;
  readonly status: number;
  /** The success body; `html` for a page. */
  readonly response: ZodTypeAny | 'html';
}

const redelivery = z.object({ object: z.literal('redelivery'), event_id: z.string(), delivery_ids: z.array(z.string()) }).strict();
const rolledKey = z.object({ key: apiKeySchema, previous: apiKeySchema }).strict();
const deletedEndpoint = webhookEndpointSchema.extend({ deleted: z.literal(true) });

/** Every route core mounts under /v1 (plugins' /v1 routes are theirs to describe). */
export const API_OPERATIONS: readonly ApiOperation[] = [
  {
    method: 'post',
    path: '/v1/applications',
    tag: 'Account',
    summary: 'Apply for an account (no key; rate-limited)',
    description: 'Answers the new merchant with its test keys, shown only here.',
    body: createMerchantSchema,
    public: true,
    status: 201,
    response: namedObject('merchant'),
  },
  {
    method: 'post',
    path: '/v1/tokens',
    tag: 'Payments',
    summary: 'Create a single-use card token (publishable key, from the embedded fields)',
    description:
      'Authenticated with a publishable key (pk_...): the embedded card fields call it from the gateway-origin frames (docs/embedded-fields.md). The card is checked as a card confirm checks it; the PAN goes to the vault, the CVC to the process memory only (10 minutes). Confirm a payment with `payment_method: "tok_..."`; a token pays once.',
    body: createTokenSchema,
    status: 201,
    response: cardTokenSchema,
  },
  {
    method: 'get',
    path: '/v1/account',
    tag: 'Account',
    summary: 'Who the key belongs to, and the signing secret',
    status: 200,
    response: namedObject('account'),
  },
  { method: 'get', path: '/v1/account/onboarding', tag: 'Account', summary: 'Onboarding status', status: 200, response: namedObject('onboarding_status') },
  {
    method: 'post',
    path: '/v1/account/registration',
    tag: 'Account',
    summary: 'Register the company',
    body: companyDetailsSchema,
    status: 200,
    response: namedObject('onboarding_status'),
  },
  { method: 'get', path: '/v1/account/banks', tag: 'Account', summary: 'Banks a merchant may choose', status: 200, response: listOf(namedObject('bank')) },
  {
    method: 'post',
    path: '/v1/account/bank',
    tag: 'Account',
    summary: 'Choose a bank',
    body: chooseBankSchema,
    status: 200,
    response: namedObject('onboarding_status'),
  },

  {
    method: 'post',
    path: '/v1/api_keys',
    tag: 'API keys',
    summary: 'Create a key (shown once)',
    body: createKeySchema,
    bodyOptional: true,
    status: 201,
    response: apiKeySchema,
  },
  { method: 'get', path: '/v1/api_keys', tag: 'API keys', summary: 'List keys of this mode', status: 200, response: listOf(apiKeySchema) },
  { method: 'delete', path: '/v1/api_keys/:id', tag: 'API keys', summary: 'Revoke a key', ids: { id: 'key' }, status: 200, response: apiKeySchema },
  {
    method: 'post',
    path: '/v1/api_keys/:id/roll',
    tag: 'API keys',
    summary: 'Roll a key: a new one, the old one expiring',
    ids: { id: 'key' },
    body: rollSchema,
    bodyOptional: true,
    status: 201,
    response: rolledKey,
  },

  {
    method: 'post',
    path: '/v1/payments',
    tag: 'Payments',
    summary: 'Create a payment (and confirm it at once with confirm: true)',
    description:
      'With `confirm: true` and `payment_method` (the confirm endpoint\'s object, or a reference such as `"pm_..."` naming a saved payment method) the payment is created and confirmed in one request, the buyer not present; a refusal of the method, the card or the route writes nothing, not even the payment. `customer` names a customer a plugin keeps (404 when unknown; parameter_unknown when no plugin keeps customers); `setup_future_usage` (needs `customer`) keeps the card after a successful payment; `off_session: true` (needs `customer` and `confirm: true`) makes a merchant-initiated payment (docs/api.md).',
    body: createPaymentSchema,
    idempotent: true,
    status: 201,
    response: paymentSchema,
  },
  {
    method: 'get',
    path: '/v1/payments',
    tag: 'Payments',
    summary: 'List payments, newest first',
    query: listPaymentsSchema,
    status: 200,
    response: listOf(paymentSchema),
  },
  { method: 'get', path: '/v1/payments/:id', tag: 'Payments', summary: 'Retrieve a payment', ids: { id: 'pay' }, status: 200, response: paymentSchema },
  {
    method: 'post',
    path: '/v1/payments/:id/confirm',
    tag: 'Payments',
    summary: 'Confirm with a payment method (server-to-server)',
    description:
      '`payment_method.type` names the method; its fields are under the key of that name and are checked by the method. A card: `{"type": "card", "card": {"number", "exp_month", "exp_year", "cvc", "holder_name"?}}`; other methods come with plugins (docs/api.md). `payment_method` may also be a reference string such as `"pm_..."`, naming a saved payment method of a plugin. The CVC is used for this call only and never stored.',
    ids: { id: 'pay' },
    body: confirmPaymentSchema,
    idempotent: true,
    status: 200,
    response: paymentSchema,
  },
  {
    method: 'post',
    path: '/v1/payments/:id/capture',
    tag: 'Payments',
    summary: 'Capture an authorized payment, in full or in part',
    ids: { id: 'pay' },
    body: capturePaymentSchema,
    bodyOptional: true,
    idempotent: true,
    status: 200,
    response: paymentSchema,
  },
  {
    method: 'post',
    path: '/v1/payments/:id/cancel',
    tag: 'Payments',
    summary: 'Cancel a payment not yet captured',
    ids: { id: 'pay' },
    body: cancelPaymentSchema,
    bodyOptional: true,
    idempotent: true,
    status: 200,
    response: paymentSchema,
  },
  {
    method: 'get',
    path: '/v1/payments/:id/attempts',
    tag: 'Routing',
    summary: 'The bank attempts of a payment',
    ids: { id: 'pay' },
    status: 200,
    response: listOf(namedObject('payment_attempt')),
  },

  {
    method: 'post',
    path: '/v1/refunds',
    tag: 'Refunds',
    summary: 'Refund a captured payment, in full or in part',
    body: createRefundSchema,
    idempotent: true,
    status: 201,
    response: refundSchema,
  },
  {
    method: 'get',
    path: '/v1/refunds',
    tag: 'Refunds',
    summary: 'List the refunds of a payment',
    query: listRefundsSchema,
    status: 200,
    response: listOf(refundSchema),
  },
  { method: 'get', path: '/v1/refunds/:id', tag: 'Refunds', summary: 'Retrieve a refund', ids: { id: 'ref' }, status: 200, response: refundSchema },

  {
    method: 'post',
    path: '/v1/payment_links',
    tag: 'Payment links',
    summary: 'Create a reusable payment link',
    body: createPaymentLinkSchema,
    idempotent: true,
    status: 201,
    response: namedObject('payment_link'),
  },
  {
    method: 'get',
    path: '/v1/payment_links/:id',
    tag: 'Payment links',
    summary: 'Retrieve a payment link',
    ids: { id: 'plink' },
    status: 200,
    response: namedObject('payment_link'),
  },

  { method: 'get', path: '/v1/branding', tag: 'Branding', summary: 'The payment page branding', status: 200, response: brandingViewSchema },
  {
    method: 'put',
    path: '/v1/branding',
    tag: 'Branding',
    summary: 'Change the payment page branding',
    body: brandingSchema,
    status: 200,
    response: brandingViewSchema,
  },
  {
    method: 'post',
    path: '/v1/branding/preview',
    tag: 'Branding',
    summary: 'Preview a branding on sample data (HTML, stores nothing)',
    body: brandingSchema,
    bodyOptional: true,
    status: 200,
    response: 'html',
  },

  { method: 'get', path: '/v1/routing', tag: 'Routing', summary: "The merchant's routing overrides", status: 200, response: namedObject('routing_rules') },
  {
    method: 'put',
    path: '/v1/routing',
    tag: 'Routing',
    summary: 'Replace the routing overrides (a new version)',
    body: routingRuleSetSchema,
    status: 200,
    response: namedObject('routing_rules'),
  },
  {
    method: 'get',
    path: '/v1/routing/versions',
    tag: 'Routing',
    summary: 'Earlier versions of the overrides',
    status: 200,
    response: listOf(namedObject('routing_rules')),
  },

  { method: 'get', path: '/v1/risk/rules', tag: 'Risk', summary: "The merchant's risk rule set", status: 200, response: namedObject('risk_rule_set') },
  {
    method: 'put',
    path: '/v1/risk/rules',
    tag: 'Risk',
    summary: 'Replace the risk rule set (a new version)',
    description: 'Each rule under `rules` takes its own settings (docs/risk.md).',
    body: ruleSetSchema,
    status: 200,
    response: namedObject('risk_rule_set'),
  },
  {
    method: 'get',
    path: '/v1/risk/rules/versions',
    tag: 'Risk',
    summary: 'Earlier versions of the rule set',
    query: versionsSchema,
    status: 200,
    response: listOf(namedObject('risk_rule_set')),
  },
  {
    method: 'get',
    path: '/v1/risk/reviews',
    tag: 'Risk',
    summary: 'The review queue',
    query: listReviewsSchema,
    status: 200,
    response: listOf(namedObject('risk_review')),
  },
  {
    method: 'get',
    path: '/v1/risk/reviews/:id',
    tag: 'Risk',
    summary: 'Retrieve a review',
    ids: { id: 'rrv' },
    status: 200,
    response: namedObject('risk_review'),
  },
  {
    method: 'post',
    path: '/v1/risk/reviews/:id/approve',
    tag: 'Risk',
    summary: 'Approve a held payment',
    ids: { id: 'rrv' },
    body: emptyBody,
    bodyOptional: true,
    status: 200,
    response: namedObject('risk_review'),
  },
  {
    method: 'post',
    path: '/v1/risk/reviews/:id/reject',
    tag: 'Risk',
    summary: 'Reject a held payment',
    ids: { id: 'rrv' },
    body: emptyBody,
    bodyOptional: true,
    status: 200,
    response: namedObject('risk_review'),
  },

  {
    method: 'get',
    path: '/v1/events',
    tag: 'Events and webhooks',
    summary: 'The event log, newest first',
    query: listEventsSchema,
    status: 200,
    response: listOf(eventSchema),
  },
  { method: 'get', path: '/v1/events/:id', tag: 'Events and webhooks', summary: 'Retrieve an event', ids: { id: 'evt' }, status: 200, response: eventSchema },
  {
    method: 'post',
    path: '/v1/events/:id/redeliver',
    tag: 'Events and webhooks',
    summary: 'Send an event again',
    ids: { id: 'evt' },
    body: redeliverSchema,
    bodyOptional: true,
    status: 202,
    response: redelivery,
  },
  {
    method: 'post',
    path: '/v1/webhook_endpoints',
    tag: 'Events and webhooks',
    summary: 'Register a webhook endpoint (secret shown once)',
    description: 'The URL must resolve to a public address (docs/webhooks.md); test mode reaches private ones when the operator allows it.',
    body: createEndpointSchema,
    status: 201,
    response: webhookEndpointSchema,
  },
  {
    method: 'get',
    path: '/v1/webhook_endpoints',
    tag: 'Events and webhooks',
    summary: 'List webhook endpoints',
    query: listEndpointsSchema,
    status: 200,
    response: listOf(webhookEndpointSchema),
  },
  {
    method: 'get',
    path: '/v1/webhook_endpoints/:id',
    tag: 'Events and webhooks',
    summary: 'Retrieve a webhook endpoint',
    ids: { id: 'we' },
    status: 200,
    response: webhookEndpointSchema,
  },
  {
    method: 'delete',
    path: '/v1/webhook_endpoints/:id',
    tag: 'Events and webhooks',
    summary: 'Delete a webhook endpoint',
    ids: { id: 'we' },
    status: 200,
    response: deletedEndpoint,
  },
  {
    method: 'post',
    path: '/v1/webhook_endpoints/:id/rotate_secret',
    tag: 'Events and webhooks',
    summary: 'Rotate the signing secret (the old one overlaps)',
    ids: { id: 'we' },
    body: rotateSecretSchema,
    bodyOptional: true,
    status: 200,
    response: webhookEndpointSchema,
  },
  {
    method: 'get',
    path: '/v1/webhook_endpoints/:id/deliveries',
    tag: 'Events and webhooks',
    summary: 'The delivery log of an endpoint',
    ids: { id: 'we' },
    query: listDeliveriesSchema,
    status: 200,
    response: listOf(webhookDeliverySchema),
  },
];
