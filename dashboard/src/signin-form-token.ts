import { Request, Response } from 'express';
import { formTokenOk, issueFormToken } from '@tender/core';
import { SIGNIN_CSRF_COOKIE } from './web-cookies';
import { shellStateOf } from './web-views';

/**
 * CSRF for the forms shown before there is a session (sign-in, choosing a password,
 * asking for a link): core's form token (web/csrf.ts), its cookie scoped to the area;
 * a post is accepted only when the cookie and the `_csrf` field are present and equal.
 *
 * @example
 * ```ts
 * render(res, 'shell/signin', { signinCsrf: issueSigninFormToken(req, res, config.publicUrl) });
 * if (!signinFormTokenOk(req)) return refuse();
 * ```
 */
export function issueSigninFormToken(req: Request, res: Response, publicUrl: string): string {
  return issueFormToken(req, res, { name: SIGNIN_CSRF_COOKIE, publicUrl, path: shellStateOf(res).base });
}

export function signinFormTokenOk(req: Request): boolean {
  return formTokenOk(req, SIGNIN_CSRF_COOKIE);
}

/** A urlencoded form field as a string ('' when absent or not a string). */
export function formField(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
}
