/** What a redacted path segment is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Paths whose segment is a secret by position: the capability of a payment page, a
 * payment link, the personal-account API, a buyer's status page and a password-set
 * link. Whoever reads a log must not be able to open the page.
 */
const TOKEN_POSITIONS: readonly RegExp[] = [
  /^(\/pay\/link\/)([^/]+)/,
  /^(\/pay\/)(?!(?:assets|form|link|order\.cfm|payrequest\.cfm)(?:\/|$))([^/]+)/,
  /^(\/pay-account\/)([^/]+)/,
  // The 3-D Secure frame of the embedded fields and the hosted page: the payment page's token (elements.routes.ts).
  /^(\/elements\/challenge\/)([^/]+)/,
  // The status link is `<payment id>.<MAC>`: the id stays, the MAC goes.
  /^(\/status\/(?:pay_[0-9A-Za-z]{1,40}\.)?)([^/]+)/,
  /^(\/(?:dashboard|console)\/password\/)([^/]+)/,
];

/** Object ids (`pay_...`, `mer_...`) are not secrets and make a log line useful. */
const OBJECT_ID = /^[a-z]{2,6}_[0-9A-Za-z]{1,40}$/;

/**
 * A segment that looks like a random token wherever it appears (routes added later,
 * plugins): 16 or more base62/base64url characters with a digit or a capital, which
 * route names (lower-case words) never have.
 */
function looksLikeToken(segment: string): boolean {
  return segment.split('.').some((part) => part.length >= 16 && /^[A-Za-z0-9_-]+$/.test(part) && /[A-Z0-9]/.test(part) && !OBJECT_ID.test(part));
}

/**
 * The request path as logged: no query string (it may carry card data or tokens),
 * secret segments replaced by `[redacted]`, at most 200 characters.
 *
 * @example
 * ```ts
 * redactPath('/pay/zgdl7BJAB0NSdcLGPMwc7wQJ?x=1'); // '/pay/[redacted]'
 * redactPath('/v1/payments/pay_4fJ2aB/capture');  // '/v1/payments/pay_4fJ2aB/capture'
 * ```
 */
export function redactPath(url: string): string {
  const q = url.search(/[?#]/);
  let path = q === -1 ? url : url.slice(0, q);
  for (const position of TOKEN_POSITIONS) path = path.replace(position, (_m, prefix: string) => `${prefix}${REDACTED}`);
  path = path
    .split('/')
    .map((segment) => (segment !== REDACTED && looksLikeToken(segment) ? REDACTED : segment))
    .join('/');
  return path.length > 200 ? `${path.slice(0, 200)}...` : path;
}
