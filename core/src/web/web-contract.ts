import { Request, Response, Router } from 'express';
import { ServiceResolver } from '../plugins/plugin';
import { TenderError } from '../errors/tender-error';

/**
 * The contract between the browser-facing shell (sign-in, CSRF, layout: the package
 * @tender/dashboard) and the screens mounted inside it (its `dashboard/` and `console/`
 * folders, or another plugin's). It lives in core, like every extension point, so a
 * screen depends on @tender/core only.
 * Screens never read cookies or check CSRF themselves: the shell has done both before
 * a screen's router sees the request, and puts the signed-in principal on res.locals.
 *
 * @example
 * ```ts
 * const router = Router();
 * router.get('/', requireWebRole('owner', 'developer'), async (_req, res) => {
 *   const principal = principalOf(res);
 *   const rows = await payments.list(principal.merchantId!, principal.mode);
 *   webViewsOf(res).render(res, 'dashboard/payments', { title: 'payments.title', rows });
 * });
 * ```
 */

/** Who is signed in: a merchant's user (dashboard) or an operator (console). */
export type WebRealm = 'merchant' | 'operator';

/** Roles of a merchant's users. Support cannot see keys or refund above the merchant's limit. */
export type MerchantUserRole = 'owner' | 'developer' | 'support';

export type WebRole = MerchantUserRole | 'operator';

export interface WebPrincipal {
  readonly realm: WebRealm;
  readonly accountId: string;
  readonly email: string;
  readonly role: WebRole;
  /** Set for the merchant realm only. */
  readonly merchantId: string | undefined;
  /** The mode the user is looking at (dashboard switch); operators see both. */
  readonly mode: 'test' | 'live';
  readonly sessionId: string;
  /** Put into every form as `_csrf` (or the `X-CSRF-Token` header for fetch). */
  readonly csrfToken: string;
  /** 'en' | 'ru' | 'ar'. */
  readonly locale: string;
}

/** Renders a view inside the shell's layout (navigation, locale, direction, CSRF token). */
export interface WebViews {
  /**
   * `view` is a path under the web UI's templates (@tender/dashboard: dashboard/templates) without `.hbs` (e.g. 'dashboard/payments').
   * `data.title` is a locale key. The layout adds `principal`, `csrf`, `t` and `dir`.
   */
  render(res: Response, view: string, data: Record<string, unknown>, status?: number): void;
}

/** One screen of the dashboard or the console, listed in @tender/dashboard's dashboard/sections.ts or console/sections.ts. */
export interface WebSection {
  /** Mount path under /dashboard or /console, e.g. '/payments'. */
  readonly path: string;
  /** Locale key of its navigation label; undefined keeps it out of the navigation. */
  readonly navKey: string | undefined;
  /** Roles that see it (the shell hides the link; the router must still check). */
  readonly roles: readonly WebRole[];
  readonly router: (container: ServiceResolver) => Router;
}

const PRINCIPAL = 'webPrincipal';
const VIEWS = 'webViews';

export function setWebPrincipal(res: Response, principal: WebPrincipal): void {
  res.locals[PRINCIPAL] = principal;
}

export function setWebViews(res: Response, views: WebViews): void {
  res.locals[VIEWS] = views;
}

/** The signed-in principal; throws if the shell did not authenticate the request (a bug). */
export function principalOf(res: Response): WebPrincipal {
  const principal = res.locals[PRINCIPAL] as WebPrincipal | undefined;
  if (principal === undefined) throw new Error('web screen reached without a signed-in principal');
  return principal;
}

export function webViewsOf(res: Response): WebViews {
  const views = res.locals[VIEWS] as WebViews | undefined;
  if (views === undefined) throw new Error('web screen reached outside the web shell');
  return views;
}

/** Refuses (403 page) a principal whose role is not listed; checked on the server, whatever the page shows. */
export function requireWebRole(...roles: WebRole[]) {
  return (req: Request, res: Response, next: () => void): void => {
    const principal = principalOf(res);
    if (roles.includes(principal.role)) {
      next();
      return;
    }
    // A screen's fetch (Accept: application/json) gets the catalogue's JSON error, a browser the page.
    const accept = req.get('accept') ?? '';
    if (accept.includes('application/json') && !accept.includes('text/html')) {
      res.status(403).json(new TenderError('web_role_forbidden').toJSON());
      return;
    }
    webViewsOf(res).render(res, 'shell/forbidden', { title: 'shell.forbidden' }, 403);
  };
}
