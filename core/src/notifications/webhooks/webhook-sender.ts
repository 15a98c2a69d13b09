import { OutboundHttpClient } from '../../outbound/outbound-http-client';
import { OutboundRequestError } from '../../outbound/outbound-response';

/** What one POST to a receiver came to. `statusCode` is null when no answer arrived. */
export interface SendResult {
  readonly statusCode: number | null;
  readonly latencyMs: number;
  /** The first bytes of the answer, for the delivery log. */
  readonly excerpt: string | null;
  readonly error: string | null;
}

const EXCERPT_BYTES = 512;

/**
 * POSTs one webhook through the outbound client. A 3xx is a failed attempt like any
 * non-2xx (redirects are never followed); a refused address, a timeout or a broken
 * connection is an attempt without a status, with the reason in `error`.
 *
 * @example
 * ```ts
 * const r = await sendWebhook(outbound, endpoint, body, headers);
 * ```
 */
export async function sendWebhook(
  outbound: OutboundHttpClient,
  endpoint: { readonly url: string; readonly livemode: boolean },
  body: string,
  headers: Record<string, string>,
): Promise<SendResult> {
  try {
    const res = await outbound.request({
      purpose: 'webhook',
      livemode: endpoint.livemode,
      url: endpoint.url,
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
    });
    return { statusCode: res.status, latencyMs: res.latencyMs, excerpt: res.body.subarray(0, EXCERPT_BYTES).toString('utf8'), error: null };
  } catch (error) {
    const latencyMs = error instanceof OutboundRequestError ? error.latencyMs : 0;
    return { statusCode: null, latencyMs, excerpt: null, error: error instanceof Error ? error.message : String(error) };
  }
}
