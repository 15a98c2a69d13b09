import { createHmac } from 'node:crypto';

/**
 * The `Tender-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
 * Stripe's scheme. During a secret rotation it carries one `v1=` per valid secret, and
 * a receiver accepts the message if any of them matches its secret.
 *
 * @example
 * ```ts
 * signatureHeader('{"id":"evt_1"}', ['whsec_new', 'whsec_old'], 1767225600);
 * // 't=1767225600,v1=5f1c...,v1=9ab0...'
 * ```
 */
export function signatureHeader(body: string, secrets: readonly string[], unixSeconds: number): string {
  const parts = [`t=${unixSeconds}`];
  for (const secret of secrets) parts.push(`v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`);
  return parts.join(',');
}
