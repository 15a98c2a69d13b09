import { Request, Response } from 'express';
import { randomToken } from '../ids/ids';
import { clearWebCookie, readCookie, setWebCookie, tokensMatch, WebCookieScope } from '../http/cookies';

/**
 * Tender's one CSRF mechanism, used by every form a browser posts (sign-up, sign-in and
 * its password/link forms, every dashboard, console and plugin screen):
 *
 * - the expected token is a 256-bit random secret bound to the browser: the signed-in
 *   session's own token (web_sessions.csrf_token, new at every sign-in step), or, on a
 *   form shown before there is a session, a token kept in an HttpOnly, path-scoped
 *   cookie ({@link issueFormToken});
 * - the form sends it back as the `_csrf` field, a script as the `X-CSRF-Token` header,
 *   a plain multipart upload form as `?_csrf=` on its action ({@link submittedCsrfToken});
 * - the two are compared in constant time ({@link csrfTokenOk}); a missing, empty,
 *   wrong or other browser's token is refused with `csrf_token_invalid` before the
 *   handler changes anything.
 *
 * Another site can neither read the token (same-origin policy, HttpOnly) nor set the
 * cookie (SameSite, and an ambiguous duplicate cookie reads as absent: see cookies.ts).
 *
 * @example
 * ```ts
 * // a form before sign-in
 * const token = issueFormToken(req, res, { name: 'tender_signup_csrf', publicUrl, path: '/signup', sameSite: 'strict' });
 * if (!formTokenOk(req, 'tender_signup_csrf')) return refuse('csrf_token_invalid');
 * // a signed-in form
 * if (!csrfTokenOk(req, principal.csrfToken)) return refuse('csrf_token_invalid');
 * ```
 */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** The token the request carries: header, else form field, else (multipart only) the query. */
export function submittedCsrfToken(req: Request): string | undefined {
  const header = req.get(CSRF_HEADER);
  if (header !== undefined) return header;
  const body = req.body as Record<string, unknown> | undefined;
  const field = body !== undefined && body !== null && typeof body === 'object' ? body[CSRF_FIELD] : undefined;
  if (typeof field === 'string') return field;
  // A file upload (multipart/form-data) is not parsed before its screen reads it, so a
  // plain HTML upload form carries the token in its action's query instead.
  const inQuery = req.query[CSRF_FIELD];
  return req.is('multipart/form-data') === 'multipart/form-data' && typeof inQuery === 'string' ? inQuery : undefined;
}

/** Whether the request carries `expected` (undefined or empty expected never matches). */
export function csrfTokenOk(req: Request, expected: string | undefined): boolean {
  const sent = submittedCsrfToken(req);
  return expected !== undefined && sent !== undefined && tokensMatch(sent, expected);
}

/** Where a pre-session form keeps its token: the cookie's name and scope. */
export interface FormTokenCookie extends WebCookieScope {
  readonly name: string;
}

/** A new token for a form shown before sign-in, set in its cookie; put it in the form as `_csrf`. */
export function issueFormToken(req: Request, res: Response, cookie: FormTokenCookie): string {
  const token = randomToken(32);
  setWebCookie(req, res, cookie.name, token, cookie);
  return token;
}

/** Whether a pre-session form came back with the token of its own cookie. */
export function formTokenOk(req: Request, cookieName: string): boolean {
  return csrfTokenOk(req, readCookie(req, cookieName));
}

/** Drops a pre-session form's cookie once the form has done its work. */
export function retireFormToken(req: Request, res: Response, cookie: FormTokenCookie): void {
  clearWebCookie(req, res, cookie.name, cookie);
}
