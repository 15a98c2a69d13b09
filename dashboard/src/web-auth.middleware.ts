import { NextFunction, Request, Response } from 'express';
import {
  BrandingService,
  DATABASE,
  Database,
  FONT_STACKS,
  ServiceResolver,
  WebAccountService,
  WebPrincipal,
  WebRealm,
  WebSessionStore,
  csrfTokenOk,
  readCookie,
  setWebPrincipal,
} from '@tender/core';
import { refuse } from './web-refusal';
import { sessionCookieName } from './web-cookies';
import { shellStateOf } from './web-views';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** res.locals key of the merchant's brand variables (validated values only: a hex colour, a font from a fixed list). */
export const BRAND_CSS = 'webBrandCss';

/**
 * Turns the session cookie into the WebPrincipal (res.locals) or refuses: a page
 * request goes to the sign-in page (and comes back afterwards), anything else gets
 * the 401 page. A session still waiting for its TOTP code does not count.
 */
export function authenticate(sessions: WebSessionStore, accounts: WebAccountService, realm: WebRealm, branding?: BrandingService) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const state = shellStateOf(res);
    const id = readCookie(req, sessionCookieName(state.area));
    const session = id === undefined ? undefined : await sessions.read(id, realm);
    const account = session === undefined || session.stage !== 'full' ? undefined : await accounts.findById(session.accountId);
    if (session === undefined || account === undefined || account.realm !== realm) {
      if (SAFE_METHODS.has(req.method)) {
        // An overlong URL is not carried over: its Location header would outgrow what clients read (16 kB in Node).
        res.redirect(303, req.originalUrl.length > 1000 ? `${state.base}/signin` : `${state.base}/signin?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      refuse(req, res, 'web_session_required', 'shell/signin-required', { title: 'shell.signin_required.title' });
      return;
    }
    const principal: WebPrincipal = {
      realm,
      accountId: account.id,
      email: account.email,
      role: account.role,
      merchantId: account.merchantId,
      mode: session.mode,
      sessionId: session.idHash,
      csrfToken: session.csrfToken,
      locale: state.locale,
    };
    setWebPrincipal(res, principal);
    // The merchant's brand colour and font carry over from its payment page (not its
    // custom CSS, which targets the buyer's page).
    if (branding !== undefined && account.merchantId !== undefined) {
      const b = await branding.get({ merchantId: account.merchantId, livemode: session.mode === 'live' });
      const vars = [b.primaryColor === null ? '' : `--tender-primary: ${b.primaryColor};`, b.font === null ? '' : `--tender-font: ${FONT_STACKS[b.font]};`]
        .join(' ')
        .trim();
      if (vars !== '') res.locals[BRAND_CSS] = `:root { ${vars} }`;
    }
    next();
  };
}

/**
 * The CSRF synchronizer check: every request that can change something carries the
 * session's token as the `_csrf` form field or the `X-CSRF-Token` header. A missing
 * or wrong token gets the 403 page before any screen's handler runs, so nothing changes.
 */
export function requireCsrf(req: Request, res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method)) {
    next();
    return;
  }
  // Core's one CSRF mechanism (web/csrf.ts), bound to the session.
  if (csrfTokenOk(req, (res.locals.webPrincipal as WebPrincipal | undefined)?.csrfToken)) {
    next();
    return;
  }
  refuse(req, res, 'csrf_token_invalid', 'shell/csrf', { title: 'shell.csrf.title' });
}

/** A `next` target after sign-in: only a path inside this area, never another site. */
export function safeNext(value: unknown, base: string): string {
  if (typeof value !== 'string') return base;
  if (!(value === base || value.startsWith(`${base}/`) || value.startsWith(`${base}?`))) return base;
  if (value.includes('//') || value.includes('\\')) return base;
  return value;
}

/**
 * Whether the signed-in merchant has been switched to production (merchants.live_at),
 * on res.locals for the header: the Live side of the mode switch is offered only then.
 */
export function merchantLiveLocals(container: ServiceResolver): (req: Request, res: Response, next: NextFunction) => void {
  const db = container.resolve<Database>(DATABASE);
  return (_req, res, next) => {
    const merchantId = (res.locals.webPrincipal as WebPrincipal | undefined)?.merchantId;
    if (merchantId === undefined) {
      next();
      return;
    }
    db('merchants')
      .where({ id: merchantId })
      .first('live_at')
      .then((row: { live_at?: unknown } | undefined) => {
        res.locals.webMerchantLive = row?.live_at !== null && row?.live_at !== undefined;
        next();
      }, next);
  };
}
