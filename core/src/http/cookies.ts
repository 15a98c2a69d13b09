import { timingSafeEqual } from 'node:crypto';
import { Request } from 'express';

/**
 * A cookie's value from the request (no cookie parser: the gateway reads two or three
 * cookies, by exact name); undefined when absent or not valid percent-encoding.
 * Shared by the sign-up page (core) and the dashboard's shell (@tender/dashboard).
 *
 * @example
 * ```ts
 * const csrf = readCookie(req, 'tender_signup_csrf');
 * ```
 */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Compares a submitted CSRF token with the expected one in constant time; an empty
 * token never matches.
 *
 * @example
 * ```ts
 * if (!tokensMatch(String(req.body._csrf), readCookie(req, CSRF_COOKIE) ?? '')) refuse();
 * ```
 */
export function tokensMatch(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
