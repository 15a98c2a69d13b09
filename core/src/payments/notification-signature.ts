import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 of a notification's raw body, as lower-case hex, for banks and
 * wallets that sign what they send (and for the sandboxes that play them). Sign and
 * verify the bytes as received: a body parsed and serialised again may differ.
 *
 * @example
 * ```ts
 * const header = `sha256=${signNotification(secret, rawBody)}`;
 * verifyNotificationSignature(secret, rawBody, header.slice(7)); // true
 * ```
 */
export function signNotification(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** True when `signature` (hex) is the HMAC of `body` under `secret`; compared in constant time, anything malformed is false. */
export function verifyNotificationSignature(secret: string, body: Buffer | string, signature: unknown): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-f]{64}$/.test(signature) || secret.length === 0) return false;
  return timingSafeEqual(Buffer.from(signNotification(secret, body), 'hex'), Buffer.from(signature, 'hex'));
}
