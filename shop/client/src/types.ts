import type * as Api from './generated/api-types';

/**
 * The merchant API's objects as the client returns them. The objects and request
 * bodies are generated from the gateway's OpenAPI document (generated/api-types.ts,
 * `npm run generate:client-types` at the repository root); fields Tender adds later
 * arrive as extra properties.
 */
export type Payment = Api.Payment;
export type PaymentStatus = Payment['status'];
export type Refund = Api.Refund;

export interface List<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

/** The body of payments.create; extra fields are sent as given (the gateway refuses unknown ones). */
export interface CreatePaymentParams extends Api.PostPaymentsBody {
  [extra: string]: unknown;
}

export interface CardParams {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc: string;
  holder_name?: string;
}

export interface ListPaymentsParams {
  order_id?: string;
  status?: PaymentStatus;
  limit?: number;
  starting_after?: string;
  /** ISO 8601 time or Unix seconds: only payments changed at or after it (for polling). */
  updated_since?: string | number;
}

export type CreateRefundParams = Api.PostRefundsBody;

/** Per-call options. */
export interface RequestOptions {
  /** Sent as Idempotency-Key; the client makes one up for every POST that has none. */
  idempotencyKey?: string;
}

/** An event (docs/webhooks.md): `data.object` is the payment or refund as it was then. */
export interface TenderEvent {
  id: string;
  object: 'event';
  type: string;
  created_at: string;
  livemode: boolean;
  data: { object: Record<string, unknown> & { id: string; object: string } };
}

export interface ListEventsParams {
  /** An exact type or `<prefix>.*`. */
  type?: string;
  object_id?: string;
  limit?: number;
  starting_after?: string;
}

export type WebhookEndpoint = Api.WebhookEndpoint;
export type CreateWebhookEndpointParams = Api.PostWebhookEndpointsBody;
export type WebhookDelivery = Api.WebhookDelivery;
export type WebhookDeliveryAttempt = WebhookDelivery['attempts'][number];

/** The 202 answer to `events.redeliver`: one new delivery per endpoint. */
export interface Redelivery {
  object: 'redelivery';
  event_id: string;
  delivery_ids: string[];
}

/** The merchant's payment-page branding (docs/branding.md); null means Tender's default. */
export type Branding = Api.Branding;

/**
 * PUT /v1/branding and the preview: every field optional; a field sent replaces the
 * stored one, `null` clears it. Colours are `#rrggbb`; `logo_url` must be https.
 *
 * @example
 * ```ts
 * await tender.branding.update({ primary_color: '#1f5eff', button_style: 'pill', logo_url: null });
 * ```
 */
export type UpdateBrandingParams = Api.PutBrandingBody;
