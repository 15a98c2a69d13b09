import { Request, Response } from 'express';
import { randomToken, readCookie, tokensMatch } from '@tender/core';
import { SIGNIN_CSRF_COOKIE, cookieOptions } from './web-cookies';
import { shellStateOf } from './web-views';

/**
 * CSRF for the forms shown before there is a session (sign-in, choosing a password,
 * asking for a link): a double-submit token, set as a cookie scoped to the area and
 * put into the form; a post is accepted only when both are present and equal.
 *
 * @example
 * ```ts
 * render(res, 'shell/signin', { signinCsrf: issueSigninFormToken(req, res, config.publicUrl) });
 * if (!signinFormTokenOk(req)) return refuse();
 * ```
 */
export function issueSigninFormToken(req: Request, res: Response, publicUrl: string): string {
  const token = randomToken(32);
  res.cookie(SIGNIN_CSRF_COOKIE, token, cookieOptions(req, publicUrl, shellStateOf(res).base));
  return token;
}

export function signinFormTokenOk(req: Request): boolean {
  const cookie = readCookie(req, SIGNIN_CSRF_COOKIE);
  const field = (req.body as Record<string, unknown> | undefined)?._csrf;
  return cookie !== undefined && typeof field === 'string' && tokensMatch(field, cookie);
}

/** A urlencoded form field as a string ('' when absent or not a string). */
export function formField(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
}
