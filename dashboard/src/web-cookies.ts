import { Request, Response } from 'express';
import { WebArea } from './web-views';

/** The session cookie of each area; scoped by path so the dashboard and the console never see each other's. */
export function sessionCookieName(area: WebArea): string {
  return area === 'dashboard' ? 'tender_dashboard_session' : 'tender_console_session';
}

export const SIGNIN_CSRF_COOKIE = 'tender_signin_csrf';

/**
 * Cookies are Secure when the request came over TLS (the gateway serving HTTPS itself;
 * `trust proxy` is off, so a forwarded header cannot fake it) or when the public URL is
 * https (TLS ends at a proxy in front). HttpOnly always; SameSite=Lax so a link from an
 * e-mail still arrives signed in, while cross-site POSTs carry no cookie.
 */
export function cookieOptions(req: Request, publicUrl: string, base: string, maxAgeMs?: number) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: req.secure || publicUrl.startsWith('https:'),
    path: base,
    ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
  };
}

export function clearCookie(req: Request, res: Response, name: string, publicUrl: string, base: string): void {
  res.clearCookie(name, cookieOptions(req, publicUrl, base));
}
