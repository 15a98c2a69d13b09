/**
 * A URL a merchant registered, in one mode, for the event types it lists.
 *
 * @example
 * ```json
 * { "id": "we_...", "object": "webhook_endpoint", "url": "https://shop.example/hooks", "events": ["payment.*"], "status": "enabled" }
 * ```
 */
export interface WebhookEndpoint {
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string | null;
  readonly status: 'enabled' | 'deleted';
  readonly secretKeyVersion: string;
  readonly secretBox: string;
  readonly previousSecretBox: string | null;
  readonly previousSecretExpiresAt: number | null;
  readonly failureNotifiedAt: number | null;
  readonly createdAt: number;
}

export function endpointFromRow(row: Record<string, unknown>): WebhookEndpoint {
  return {
    id: String(row.id),
    merchantId: String(row.merchant_id),
    livemode: Boolean(row.livemode),
    url: String(row.url),
    events: JSON.parse(String(row.events)) as string[],
    description: (row.description as string | null) ?? null,
    status: row.status as 'enabled' | 'deleted',
    secretKeyVersion: String(row.secret_key_version),
    secretBox: String(row.secret_box),
    previousSecretBox: (row.previous_secret_box as string | null) ?? null,
    previousSecretExpiresAt:
      row.previous_secret_expires_at === null || row.previous_secret_expires_at === undefined ? null : Number(row.previous_secret_expires_at),
    failureNotifiedAt: row.failure_notified_at === null || row.failure_notified_at === undefined ? null : Number(row.failure_notified_at),
    createdAt: Number(row.created_at),
  };
}

export interface WebhookEndpointView {
  id: string;
  object: 'webhook_endpoint';
  url: string;
  events: string[];
  description: string | null;
  status: string;
  livemode: boolean;
  /** Only in the answers to create and rotate_secret: the secret is never shown again. */
  secret?: string;
  previous_secret_expires_at: string | null;
  created_at: string;
}

export function endpointView(e: WebhookEndpoint, now: number, secret?: string): WebhookEndpointView {
  const overlap = e.previousSecretExpiresAt !== null && e.previousSecretExpiresAt > now ? new Date(e.previousSecretExpiresAt).toISOString() : null;
  return {
    id: e.id,
    object: 'webhook_endpoint',
    url: e.url,
    events: [...e.events],
    description: e.description,
    status: e.status,
    livemode: e.livemode,
    ...(secret === undefined ? {} : { secret }),
    previous_secret_expires_at: overlap,
    created_at: new Date(e.createdAt).toISOString(),
  };
}
