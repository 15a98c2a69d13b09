import { CookieOptions, Request, Response } from 'express';
import { clearWebCookie, webCookieOptions } from '@tender/core';
import { WebArea } from './web-views';

/** The session cookie of each area; scoped by path so the dashboard and the console never see each other's. */
export function sessionCookieName(area: WebArea): string {
  return area === 'dashboard' ? 'tender_dashboard_session' : 'tender_console_session';
}

export const SIGNIN_CSRF_COOKIE = 'tender_signin_csrf';

/**
 * The shell's cookies are core's web cookies (HttpOnly, SameSite=Lax so a link from an
 * e-mail still arrives signed in, Secure behind TLS) scoped to the area's path.
 */
export function cookieOptions(req: Request, publicUrl: string, base: string, maxAgeMs?: number): CookieOptions {
  return webCookieOptions(req, { publicUrl, path: base, ...(maxAgeMs === undefined ? {} : { maxAgeMs }) });
}

export function clearCookie(req: Request, res: Response, name: string, publicUrl: string, base: string): void {
  clearWebCookie(req, res, name, { publicUrl, path: base });
}
