import path from 'node:path';
import { Request, Response } from 'express';
import helmet from 'helmet';
import {
  DEFAULT_BRAND,
  OperatorBrand,
  PageLocale,
  TemplateEnv,
  ThemeFiles,
  WebPrincipal,
  WebViews,
  brandTemplateData,
  createTemplateEnv,
  directionOf,
  isPageLocale,
  safeJson,
} from '@tender/core';
import { WebMessages, loadWebMessages, webMessage } from './web-locale';

/** The package's own templates/ (from dashboard/dist or dashboard/src: one level below the package root). */
export const WEB_TEMPLATES_DIR = path.resolve(__dirname, '..', 'templates');

/** Folders of dashboard/templates that hold views (and their partials/, assets/). */
export const WEB_AREAS = ['shell', 'dashboard', 'console'] as const;
export type WebArea = 'dashboard' | 'console';

const COMPILE: CompileOptions = { strict: false, preventIndent: true };

/** A link of the navigation, already filtered by role. */
export interface NavItem {
  readonly href: string;
  readonly label: string;
  readonly active: boolean;
}

/** What the shell keeps on res.locals for the layout (set by the shell's middleware). */
export interface ShellRequestState {
  readonly area: WebArea;
  readonly base: string;
  readonly locale: PageLocale;
  readonly nonce: string;
  /** The shell's own screens plus the area's sections, in navigation order. */
  readonly nav: ReadonlyArray<{ readonly path: string; readonly navKey: string | undefined; readonly label?: string; readonly roles: readonly string[] }>;
}

const SHELL_STATE = 'webShellState';

export function setShellState(res: Response, state: ShellRequestState): void {
  res.locals[SHELL_STATE] = state;
}

export function shellStateOf(res: Response): ShellRequestState {
  const state = res.locals[SHELL_STATE] as ShellRequestState | undefined;
  if (state === undefined) throw new Error('web view rendered outside the web shell');
  return state;
}

/**
 * The WebViews of the shell: Handlebars views under dashboard/templates (`dashboard/payments`
 * is dashboard/templates/dashboard/payments.hbs) inside dashboard/templates/layout.hbs, with the
 * locale texts of every area merged, partials from dashboard/templates/partials (by name)
 * and dashboard/templates/<area>/partials (as `<area>-<name>`), and a nonce-based CSP.
 * Everything is compiled at start, so a broken template stops the gateway, not a page.
 *
 * Helpers: `t` (`{{t "shell.signin.title" name=value}}`, `{name}` placeholders),
 * `eq`, `not`, `or`, `and`, `amount` (minor units and currency), `datetime` (epoch ms,
 * UTC), `json` (safe inside `<script type="application/json">`).
 *
 * @example
 * ```ts
 * webViewsOf(res).render(res, 'dashboard/payments', { title: 'payments.title', rows });
 * ```
 */
export class HandlebarsWebViews implements WebViews {
  readonly messages: Readonly<Record<PageLocale, WebMessages>>;
  private readonly env: TemplateEnv;
  private readonly layout: HandlebarsTemplateDelegate;
  private readonly views = new Map<string, HandlebarsTemplateDelegate>();

  private readonly operator: Readonly<Record<string, string | null>>;

  /**
   * `files`: the package's templates, or an operator's theme over them (themedWebFiles),
   * file by file; `brand`: the operator's name, logo, colour and support contacts.
   */
  constructor(
    readonly files: ThemeFiles = new ThemeFiles([WEB_TEMPLATES_DIR]),
    brand: OperatorBrand = DEFAULT_BRAND,
  ) {
    this.operator = brandTemplateData(brand);
    this.messages = loadWebMessages(files, brand.name);
    const messages = this.messages;
    this.env = createTemplateEnv({
      helpers: ['concat', 'eq', 'not', 'or', 'and', 'amount', 'datetime', 'json'],
      texts: (locale, key, params) => webMessage(messages, locale as PageLocale, key, params),
    });
    this.registerPartials('partials', '');
    for (const area of files.folders('').filter((name) => !['partials', 'assets', 'locales'].includes(name))) {
      this.registerPartials(path.join(area, 'partials'), `${area}-`);
      this.compileViews(area, area);
    }
    this.layout = this.files.compile(this.env, 'layout.hbs', COMPILE);
  }

  render(res: Response, view: string, data: Record<string, unknown>, status = 200): void {
    const state = shellStateOf(res);
    const principal = res.locals.webPrincipal as WebPrincipal | undefined;
    const template = this.views.get(view);
    if (template === undefined) throw new Error(`no web view '${view}' (dashboard/templates/${view}.hbs)`);
    const lang = state.locale;
    const req = res.req as Request;
    const here = req.originalUrl.split('?')[0] ?? '';
    const nav: NavItem[] =
      principal === undefined
        ? []
        : state.nav
            .filter((s) => (s.navKey !== undefined || s.label !== undefined) && s.roles.includes(principal.role))
            .map((s) => {
              const href = s.path === '/' ? state.base : `${state.base}${s.path}`;
              return {
                href,
                label: s.label ?? webMessage(this.messages, lang, s.navKey ?? ''),
                active: s.path === '/' ? here === state.base || here === `${state.base}/` : here === href || here.startsWith(`${href}/`),
              };
            });
    // A plugin's screen brings its title as text (titleText); the shell's own screens name a message key.
    const title =
      typeof data.titleText === 'string'
        ? data.titleText
        : typeof data.title === 'string'
          ? webMessage(this.messages, lang, data.title)
          : webMessage(this.messages, lang, 'shell.product');
    const context: Record<string, unknown> = {
      ...data,
      title,
      principal,
      csrf: principal?.csrfToken,
      lang,
      dir: directionOf(lang),
      nonce: state.nonce,
      area: state.area,
      base: state.base,
      nav,
      here,
      languages: (['en', 'ru', 'ar'] as const).map((l) => ({ code: l, href: `${here}?lang=${l}`, current: l === lang })),
      isMerchant: principal?.realm === 'merchant',
      liveMode: principal?.mode === 'live',
      // The Live side of the mode switch: only for a merchant in production (or a session already in live mode, to switch back).
      canUseLive: principal?.mode === 'live' || res.locals.webMerchantLive === true,
      operator: this.operator,
      brandCss: typeof res.locals.webBrandCss === 'string' ? res.locals.webBrandCss : undefined,
    };
    const body = template(context);
    const html = this.layout({ ...context, body });
    sendHtml(req, res, state.nonce, status, html);
  }

  /** A text in a locale (for redirects' flash messages and the like). */
  text(locale: string, key: string, params: Record<string, unknown> = {}): string {
    return webMessage(this.messages, isPageLocale(locale) ? locale : 'en', key, params);
  }

  hasView(view: string): boolean {
    return this.views.has(view);
  }

  private registerPartials(dir: string, prefix: string): void {
    for (const file of this.files.list(dir, '.hbs')) {
      this.env.registerPartial(`${prefix}${path.basename(file, '.hbs')}`, this.files.compile(this.env, path.join(dir, file), COMPILE));
    }
  }

  private compileViews(dir: string, prefix: string): void {
    for (const file of this.files.list(dir, '.hbs'))
      this.views.set(`${prefix}/${path.basename(file, '.hbs')}`, this.files.compile(this.env, path.join(dir, file), COMPILE));
    for (const sub of this.files.folders(dir).filter((name) => !['partials', 'assets'].includes(name)))
      this.compileViews(path.join(dir, sub), `${prefix}/${sub}`);
  }
}

/** The package's templates with an operator theme's `dashboard/` folder (TENDER_TEMPLATES_DIR) over them, file by file. */
export function themedWebFiles(themeDir: string): ThemeFiles {
  return ThemeFiles.over(path.join(themeDir, 'dashboard'), WEB_TEMPLATES_DIR);
}

/** JSON for a `<script type="application/json">` block: core's (the `json` helper's). */
export { safeJson };

/**
 * Sends a shell page: scripts only with the response's nonce or from the gateway,
 * styles from the gateway (plus nonce'd inline blocks), forms post to the gateway,
 * frames only from the gateway itself (the branding preview), never cached.
 */
export function sendHtml(req: Request, res: Response, nonce: string, status: number, html: string): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'same-origin');
  helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: [`'nonce-${nonce}'`, "'self'"],
      styleSrc: ["'self'", `'nonce-${nonce}'`],
      imgSrc: ["'self'", 'data:', 'https:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameSrc: ["'self'"],
      frameAncestors: ["'self'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
  })(req, res, () => undefined);
  res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  res.status(status).type('html').send(html);
}
