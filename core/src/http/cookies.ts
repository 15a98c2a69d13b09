import { timingSafeEqual } from 'node:crypto';
import { CookieOptions, Request, Response } from 'express';

/**
 * The gateway's one cookie parser and one cookie writer. Every cookie Tender reads or
 * sets (web sessions, the CSRF cookies of the forms shown before sign-in, the web
 * language) goes through here, so the rules below hold everywhere:
 *
 * - the Cookie header is hostile: past {@link COOKIE_LIMITS} it is read no further, a
 *   pair without `=` or with a name that is not an RFC 6265 token is skipped, a value
 *   that is not valid percent-encoding is skipped (never a thrown URIError);
 * - a name sent twice with different values (a sibling subdomain "tossing" its own
 *   cookie next to ours, or a stale path) is ambiguous and reads as absent: a session
 *   or a CSRF token is never taken from the cookie an attacker chose;
 * - names are looked up in a Map, so `__proto__` or `constructor` are ordinary names;
 * - every cookie written is HttpOnly, SameSite (Lax unless asked Strict), Secure when the
 *   request came over TLS or the public URL is https, and scoped to a path.
 */
export const COOKIE_LIMITS = {
  /** Characters of the Cookie header that are read (Node refuses headers over 16 KiB anyway). */
  headerChars: 8192,
  /** Pairs that are read; browsers send a few dozen at most. */
  pairs: 64,
} as const;

/** RFC 6265 cookie-name: an HTTP token (no separators, controls, spaces or non-ASCII). */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * All cookies of a Cookie header, by name; ambiguous, malformed and overflowing pairs
 * left out as described above.
 *
 * @example
 * ```ts
 * parseCookieHeader('a=1; b=%C3%A9; a=1').get('b'); // 'é'
 * parseCookieHeader('a=1; a=2').has('a');           // false: ambiguous
 * ```
 */
export function parseCookieHeader(header: string | undefined): ReadonlyMap<string, string> {
  const found = new Map<string, string>();
  const ambiguous = new Set<string>();
  if (header === undefined || header === '') return found;
  const pairs = header.slice(0, COOKIE_LIMITS.headerChars).split(';', COOKIE_LIMITS.pairs);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    if (!COOKIE_NAME.test(name)) continue;
    const value = decodeValue(pair.slice(eq + 1).trim());
    if (value === undefined) continue;
    const earlier = found.get(name);
    if (earlier !== undefined && earlier !== value) ambiguous.add(name);
    found.set(name, value);
  }
  for (const name of ambiguous) found.delete(name);
  return found;
}

/** A value without its optional double quotes, percent-decoded; undefined when the encoding is broken. */
function decodeValue(raw: string): string | undefined {
  const unquoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  try {
    return decodeURIComponent(unquoted);
  } catch {
    return undefined;
  }
}

/**
 * A cookie's value from the request; undefined when absent, malformed or ambiguous.
 *
 * @example
 * ```ts
 * const id = readCookie(req, 'tender_dashboard_session');
 * ```
 */
export function readCookie(req: Request, name: string): string | undefined {
  return parseCookieHeader(req.headers.cookie).get(name);
}

/** What differs between Tender's cookies: where they apply, how long, how strict. */
export interface WebCookieScope {
  /** The public URL of the gateway (config.publicUrl): https there makes the cookie Secure. */
  readonly publicUrl: string;
  /** The path the cookie is sent to ('/signup', '/dashboard', '/'). */
  readonly path: string;
  /** Omitted: a browser-session cookie. */
  readonly maxAgeMs?: number;
  /** 'lax' (default) lets a link from an e-mail arrive signed in; 'strict' for a form's token. */
  readonly sameSite?: 'lax' | 'strict';
}

/**
 * The options every Tender cookie is written with. Secure when the request came over
 * TLS (the gateway serving HTTPS itself; `trust proxy` is off, so a forwarded header
 * cannot fake it) or when the public URL is https (TLS ends at a proxy in front).
 *
 * @example
 * ```ts
 * res.cookie('tender_web_lang', 'ar', webCookieOptions(req, { publicUrl, path: '/', maxAgeMs: YEAR_MS }));
 * ```
 */
export function webCookieOptions(req: Request, scope: WebCookieScope): CookieOptions {
  return {
    httpOnly: true,
    sameSite: scope.sameSite ?? 'lax',
    secure: req.secure || scope.publicUrl.startsWith('https:'),
    path: scope.path,
    ...(scope.maxAgeMs === undefined ? {} : { maxAge: scope.maxAgeMs }),
  };
}

/**
 * Sets a cookie with {@link webCookieOptions}.
 *
 * @example
 * ```ts
 * setWebCookie(req, res, 'tender_signup_csrf', token, { publicUrl, path: '/signup', sameSite: 'strict' });
 * ```
 */
export function setWebCookie(req: Request, res: Response, name: string, value: string, scope: WebCookieScope): void {
  res.cookie(name, value, webCookieOptions(req, scope));
}

/** Removes a cookie set by {@link setWebCookie} (same path, so the browser matches it). */
export function clearWebCookie(req: Request, res: Response, name: string, scope: WebCookieScope): void {
  const { maxAge: _ignored, ...options } = webCookieOptions(req, scope);
  res.clearCookie(name, options);
}

/** How long the web language is remembered. */
export const WEB_LOCALE_MAX_AGE_MS = 365 * 24 * 3600_000;

/**
 * Compares a submitted token with the expected one in constant time; an empty token
 * never matches (a field of another byte length is simply a mismatch).
 *
 * @example
 * ```ts
 * if (!tokensMatch(sent, session.csrfToken)) refuse();
 * ```
 */
export function tokensMatch(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
