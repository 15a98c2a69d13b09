/**
 * The merchant API's objects as the client returns them. They mirror docs/api.md;
 * fields Tender adds later arrive as extra properties.
 */
export type PaymentStatus =
  | 'pending'
  | 'processing'
  | 'requires_action'
  | 'authorized'
  | 'captured'
  | 'partially_refunded'
  | 'refunded'
  | 'declined'
  | 'failed'
  | 'canceled';

export interface Payment {
  id: string;
  object: 'payment';
  status: PaymentStatus;
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  currency: string;
  order_id: string;
  description: string | null;
  capture_method: 'automatic' | 'manual';
  livemode: boolean;
  payment_url: string;
  return_url: string | null;
  metadata: Record<string, string>;
  failure_code: string | null;
  failure_message: string | null;
  card: { brand: string; bin: string; last4: string; exp_month: number; exp_year: number } | null;
  created_at: string;
  updated_at: string;
}

export interface Refund {
  id: string;
  object: 'refund';
  payment_id: string;
  amount: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  reason: string | null;
  failure_code: string | null;
  failure_message: string | null;
  livemode: boolean;
  created_at: string;
  updated_at: string;
}

export interface List<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

export interface CreatePaymentParams {
  amount: number;
  currency: string;
  order_id: string;
  description?: string;
  capture_method?: 'automatic' | 'manual';
  return_url?: string;
  metadata?: Record<string, string>;
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

export interface CreateRefundParams {
  payment_id: string;
  amount?: number;
  reason?: string;
}

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

export interface WebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  url: string;
  events: string[];
  description: string | null;
  status: 'enabled' | 'disabled';
  livemode: boolean;
  /** Only in the answers to create and rotate_secret. */
  secret?: string;
  previous_secret_expires_at: string | null;
  created_at: string;
}

export interface CreateWebhookEndpointParams {
  url: string;
  events: string[];
  description?: string;
}

export interface WebhookDeliveryAttempt {
  attempt: number;
  started_at: string;
  status_code: number | null;
  latency_ms: number | null;
  response_excerpt: string | null;
  error: string | null;
}

export interface WebhookDelivery {
  id: string;
  object: 'webhook_delivery';
  endpoint_id: string;
  event_id: string;
  status: 'pending' | 'delivered' | 'failed' | 'canceled';
  attempt_count: number;
  next_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
  attempts: WebhookDeliveryAttempt[];
}

/** The 202 answer to `events.redeliver`: one new delivery per endpoint. */
export interface Redelivery {
  object: 'redelivery';
  event_id: string;
  delivery_ids: string[];
}

/** The merchant's payment-page branding (docs/branding.md); null means Tender's default. */
export interface Branding {
  object: 'branding';
  logo_url: string | null;
  primary_color: string | null;
  background_color: string | null;
  text_color: string | null;
  font: 'system' | 'serif' | 'rounded' | 'monospace' | null;
  button_style: 'rounded' | 'square' | 'pill' | null;
  custom_css: string | null;
  template: string | null;
  /** Origins allowed to show the page in an iframe. */
  frame_ancestors: string[];
  updated_at: string | null;
}

/**
 * PUT /v1/branding and the preview: every field optional; a field sent replaces the
 * stored one, `null` clears it. Colours are `#rrggbb`; `logo_url` must be https.
 *
 * @example
 * ```ts
 * await tender.branding.update({ primary_color: '#1f5eff', button_style: 'pill', logo_url: null });
 * ```
 */
export type UpdateBrandingParams = Partial<{ [K in Exclude<keyof Branding, 'object' | 'updated_at'>]: Branding[K] }>;
