import { TenderConfig } from '../config/config';

/**
 * Why the gateway makes a request, which decides its limits:
 * - `webhook`: event deliveries to a merchant's webhook endpoints;
 * - `platform_api`: calls to a shop platform's API on the merchant's behalf (Saleor's
 *   JWKS and GraphQL API, install verification);
 * - `merchant_push`: results pushed to a URL a protocol plugin keeps for the merchant
 *   (the Assist result_url).
 */
export type OutboundPurpose = 'webhook' | 'platform_api' | 'merchant_push';

/**
 * The limits of one purpose. Every request is also bound by the rules no policy can
 * relax: http and https only, no credentials in the URL, no redirects followed, every
 * resolved address checked at connect time, never the gateway itself.
 *
 * @example
 * ```ts
 * const p = defaultOutboundPolicies(config).platform_api;
 * p.maxResponseBytes; // 1 MiB
 * ```
 */
export interface OutboundPolicy {
  readonly purpose: OutboundPurpose;
  /** Test-mode requests may reach private addresses when the operator allows them (TENDER_OUTBOUND_ALLOW_PRIVATE). */
  readonly privateInTestMode: boolean;
  /** The connection (TCP, and TLS for https) must be up within this. */
  readonly connectTimeoutMs: number;
  /** From the start of the request to the last byte of the answer. */
  readonly timeoutMs: number;
  /** The answer is read up to this many bytes; the rest is not read and the connection is closed. */
  readonly maxResponseBytes: number;
  readonly userAgent: string;
  /** Keep idle connections this long and reuse them (absent: a new connection per request). */
  readonly keepAliveMs?: number;
}

export type OutboundPolicies = Readonly<Record<OutboundPurpose, OutboundPolicy>>;

/** The container token of the policies; the gateway registers `defaultOutboundPolicies(config)`. */
export const OUTBOUND_POLICIES = Symbol('OutboundPolicies');

const KIB = 1024;
/**
 * Webhook connections idle this long are closed: under the 5 s a Node receiver keeps
 * an idle connection (so Tender closes first), long enough for a steady stream of
 * events to reuse one connection for all its deliveries.
 */
const WEBHOOK_KEEP_ALIVE_MS = 4000;

export function defaultOutboundPolicies(config: TenderConfig): OutboundPolicies {
  const o = config.outbound;
  const base = { privateInTestMode: true, connectTimeoutMs: o.connectTimeoutMs };
  return {
    // Only the first bytes of a webhook answer matter (the delivery log shows 512).
    webhook: {
      ...base,
      purpose: 'webhook',
      timeoutMs: config.notifications.webhookTimeoutMs,
      maxResponseBytes: 64 * KIB,
      userAgent: 'Tender-Webhooks/1',
      keepAliveMs: WEBHOOK_KEEP_ALIVE_MS,
    },
    // A JWKS or a GraphQL answer about one transaction is a few KiB.
    platform_api: { ...base, purpose: 'platform_api', timeoutMs: o.timeoutMs, maxResponseBytes: 1024 * KIB, userAgent: 'Tender/1' },
    merchant_push: { ...base, purpose: 'merchant_push', timeoutMs: o.timeoutMs, maxResponseBytes: 64 * KIB, userAgent: 'Tender/1' },
  };
}
