import path from 'node:path';
import express, { NextFunction, Request, Response, Router } from 'express';
import { RegisteredScreen, ServiceResolver } from '@tender/core';
import {
  BrandingService,
  CONFIG,
  LOGGER,
  Logger,
  TenderConfig,
  WebAccountService,
  WebRealm,
  WebRole,
  WebSection,
  WebSessionStore,
  formBody,
  jsonBody,
  loggedPathOf,
  maskPans,
  newNonce,
  principalOf,
  requestErrorOf,
  requestIdOf,
  setWebViews,
  webViewsOf,
} from '@tender/core';
import { authenticate, merchantLiveLocals, requireCsrf } from './web-auth.middleware';
import { chooseWebLocale } from './web-locale';
import { HandlebarsWebViews, WEB_TEMPLATES_DIR, WebArea, setShellState } from './web-views';
import { signinRoutes, signoutRoutes } from './signin.routes';
import { securityRoutes } from './security.routes';
import { homeRoutes } from './home.routes';
import { teamRoutes } from './team.routes';
import { passwordLinkRoutes } from './password-link.routes';

const ALL_MERCHANT_ROLES: readonly WebRole[] = ['owner', 'developer', 'support'];

/** The shell's own screens around the sections: home first, team and security last. */
function navigation(area: WebArea, sections: readonly WebSection[], screens: readonly RegisteredScreen[]) {
  const roles: readonly WebRole[] = area === 'dashboard' ? ALL_MERCHANT_ROLES : ['operator'];
  return [
    { path: '/', navKey: 'shell.nav.home', roles },
    ...sections.map((s) => ({ path: s.path, navKey: s.navKey, roles: s.roles })),
    ...screens.map((s) => ({ path: s.path, navKey: undefined, label: s.title, roles: s.roles ?? roles })),
    ...(area === 'dashboard' ? [{ path: '/team', navKey: 'shell.nav.team', roles: ['owner'] as const }] : []),
    { path: '/security', navKey: 'shell.nav.security', roles },
  ];
}

/**
 * One area of the browser-facing shell: /dashboard (merchants' users) or /console
 * (operators). The area gets its own session cookie, the locale, the CSP nonce and the
 * WebViews, then sign-in, then authentication and the CSRF check, then the shell's
 * screens and the sections of dashboard/sections.ts or console/sections.ts. Mounted
 * by the plugin (dashboard.plugin.ts) once core's services are registered.
 *
 * @example
 * ```ts
 * app.use('/dashboard', areaRouter(container, new HandlebarsWebViews(), 'dashboard', 'merchant', DASHBOARD_SECTIONS));
 * ```
 */
export function areaRouter(
  container: ServiceResolver,
  views: HandlebarsWebViews,
  area: WebArea,
  realm: WebRealm,
  sections: readonly WebSection[],
  screens: readonly RegisteredScreen[] = [],
): Router {
  const config = container.resolve<TenderConfig>(CONFIG);
  const logger = container.resolve<Logger>(LOGGER);
  const base = `/${area}`;
  const nav = navigation(area, sections, screens);
  const router = Router();
  router.use((req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    setShellState(res, { area, base, nav, nonce: newNonce(), locale: chooseWebLocale(req, res, config.publicUrl) });
    setWebViews(res, views);
    next();
  });
  router.use(formBody({ limit: '64kb', parameterLimit: 200 }));
  router.use(jsonBody({ limit: '64kb' }));
  router.use(signinRoutes(container, realm));
  router.use(passwordLinkRoutes(container, realm));
  router.use(
    authenticate(
      container.resolve(WebSessionStore),
      container.resolve(WebAccountService),
      realm,
      realm === 'merchant' ? container.resolve(BrandingService) : undefined,
    ),
  );
  router.use(requireCsrf);
  if (realm === 'merchant') router.use(merchantLiveLocals(container));
  router.use(signoutRoutes(container));
  router.use(securityRoutes(container));
  router.use(homeRoutes(container, area));
  if (area === 'dashboard') router.use(teamRoutes(container));
  // Section routers are built once, at start, like every other router.
  for (const section of sections) router.use(section.path, section.router(container));
  for (const screen of screens) {
    router.get(screen.path, pluginScreenHandler(screen, area));
    if (screen.submit !== undefined) router.post(screen.path, pluginScreenHandler(screen, area));
  }
  router.use((_req, res) => webViewsOf(res).render(res, 'shell/not-found', { title: 'shell.not_found.title' }, 404));
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    // Unreadable bodies and URLs get their 4xx (body-parsing.ts); anything else is a bug, logged.
    const refusal = requestErrorOf(error);
    const status = refusal?.status ?? 500;
    if (status >= 500)
      logger.error(
        {
          request_id: requestIdOf(res),
          method: req.method,
          path: loggedPathOf(req),
          error: error instanceof Error ? maskPans(error.message) : 'non-error thrown',
        },
        'web page failed',
      );
    const message = refusal?.message;
    const principal = res.locals.webPrincipal === undefined ? undefined : principalOf(res);
    webViewsOf(res).render(
      res,
      'shell/error',
      { title: 'shell.error.title', status, message: status < 500 ? message : undefined, signedIn: principal !== undefined },
      status >= 400 && status < 600 ? status : 500,
    );
  });
  return router;
}

/**
 * Static files: the shell's dashboard/templates/assets under /web-assets/, each area's
 * dashboard/templates/<area>/assets under /web-assets/<area>/, and the chart library from
 * node_modules under /web-assets/vendor/ (no build step: the published files as they are).
 */
export function webAssetRoutes(themeDir?: string): Router {
  const router = Router();
  const options = { index: false, dotfiles: 'ignore' as const, fallthrough: false, maxAge: 300_000 };
  // An operator theme's dashboard/assets (and dashboard/<area>/assets) first; what it lacks comes from the package.
  if (themeDir !== undefined) {
    const own = { ...options, fallthrough: true };
    for (const area of ['dashboard', 'console']) router.use(`/${area}`, express.static(path.join(themeDir, 'dashboard', area, 'assets'), own));
    router.use(express.static(path.join(themeDir, 'dashboard', 'assets'), own));
  }
  const uplot = path.dirname(require.resolve('uplot/package.json'));
  router.get('/vendor/uplot.iife.min.js', (_req, res) => res.sendFile(path.join(uplot, 'dist', 'uPlot.iife.min.js'), { maxAge: 300_000 }));
  router.get('/vendor/uplot.min.css', (_req, res) => res.sendFile(path.join(uplot, 'dist', 'uPlot.min.css'), { maxAge: 300_000 }));
  for (const area of ['dashboard', 'console']) router.use(`/${area}`, express.static(path.join(WEB_TEMPLATES_DIR, area, 'assets'), options));
  router.use(express.static(path.join(WEB_TEMPLATES_DIR, 'assets'), options));
  return router;
}

/** The text fields of a parsed query or form body; anything else (arrays, objects) is dropped. */
function textFields(source: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (typeof source !== 'object' || source === null) return fields;
  for (const [key, value] of Object.entries(source)) if (typeof value === 'string') fields[key] = value;
  return fields;
}

/**
 * A plugin's screen (ctx.registerScreen) inside the shell: behind the same sign-in,
 * CSRF check and CSP nonce as the built-in screens, its roles checked on the server,
 * for its page (GET) and, when it has `submit`, its form posts (POST).
 * The fragment is placed as the plugin rendered it (plugins are code the operator
 * installed; their fragments must escape what they interpolate, and the page's CSP
 * refuses inline scripts without the nonce whatever they hold).
 */
function pluginScreenHandler(screen: RegisteredScreen, area: WebArea) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const principal = principalOf(res);
      const roles: readonly string[] = screen.roles ?? (area === 'dashboard' ? ALL_MERCHANT_ROLES : ['operator']);
      if (!roles.includes(principal.role)) {
        webViewsOf(res).render(res, 'shell/forbidden', { title: 'shell.forbidden' }, 403);
        return;
      }
      const query = textFields(req.query);
      const viewer = {
        realm: principal.realm,
        accountId: principal.accountId,
        role: principal.role,
        merchantId: principal.merchantId,
        mode: principal.mode,
        locale: principal.locale,
      };
      const show = (html: string, status = 200): void =>
        webViewsOf(res).render(res, 'shell/plugin-screen', { titleText: screen.title, screenHtml: html, plugin: screen.plugin }, status);
      if (req.method !== 'POST' || screen.submit === undefined) {
        show(await screen.render({ viewer, query, csrfToken: principal.csrfToken }));
        return;
      }
      // The CSRF check (requireCsrf) and the roles above have passed; the token is not the screen's to see as a field.
      const form = textFields(req.body);
      delete form._csrf;
      const result = await screen.submit({ viewer, query, form, csrfToken: principal.csrfToken });
      if ('html' in result) {
        show(result.html, result.status ?? 200);
        return;
      }
      const search = new URLSearchParams(result.query).toString();
      res.redirect(303, `/${area}${screen.path}${search === '' ? '' : `?${search}`}`);
    } catch (error) {
      next(error);
    }
  };
}
