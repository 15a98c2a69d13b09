import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures between Tender and a shop, HMAC-SHA256 (hex, lower case) under the
 * merchant's signing secret. The signed strings are the fields joined by a line
 * feed ("\n"), in a fixed order, exactly as sent: no field can contain a line feed
 * (order ids and the rest are printable text), so the joining is unambiguous.
 * docs/hosted-page.md shows the strings and verification code.
 *
 * @example
 * ```ts
 * returnSignatureString({ paymentId: 'pay_1', orderId: 'A-1', status: 'captured' }); // 'pay_1\nA-1\ncaptured'
 * ```
 */
export function returnSignatureString(f: { paymentId: string; orderId: string; status: string }): string {
  return [f.paymentId, f.orderId, f.status].join('\n');
}

/** The string a shop signs for the HTML payment form (POST /pay/form). */
export function formSignatureString(f: { key: string; orderId: string; amount: string; currency: string; description: string; returnUrl: string }): string {
  return [f.key, f.orderId, f.amount, f.currency, f.description, f.returnUrl].join('\n');
}

export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/** Constant-time comparison of a received hex signature with the expected one. */
export function signatureMatches(secret: string, text: string, signature: unknown): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signature.toLowerCase()), Buffer.from(hmacHex(secret, text)));
}

/** The shop's return_url with payment_id, order_id, status and signature added to its query. */
export function signedReturnUrl(returnUrl: string, secret: string, f: { paymentId: string; orderId: string; status: string }): string {
  const url = new URL(returnUrl);
  url.searchParams.set('payment_id', f.paymentId);
  url.searchParams.set('order_id', f.orderId);
  url.searchParams.set('status', f.status);
  url.searchParams.set('signature', hmacHex(secret, returnSignatureString(f)));
  return url.toString();
}
