/** Which web area a screen belongs to: the merchant dashboard or the operator console. */
export type ScreenArea = 'dashboard' | 'console';

/** Who is looking at a screen, as the web shell that mounts it has authenticated them. */
export interface ScreenViewer {
  readonly realm: 'merchant' | 'operator';
  readonly accountId: string;
  readonly role: string;
  /** Set in the dashboard only. */
  readonly merchantId: string | undefined;
  readonly mode: 'test' | 'live';
  readonly locale: string;
}

/** What a screen's render gets: the viewer and the query string, nothing raw. */
export interface ScreenRequest {
  readonly viewer: ScreenViewer;
  readonly query: Readonly<Record<string, string>>;
  /**
   * The session's CSRF token. A form of the screen that posts (to the screen's own
   * path, handled by `submit`) carries it as the hidden field `_csrf`; the shell
   * refuses a post without it before `submit` runs.
   */
  readonly csrfToken: string;
}

/** What a screen's `submit` gets: the viewer, the query string and the posted form's text fields (`_csrf` removed). */
export interface ScreenSubmission {
  readonly viewer: ScreenViewer;
  readonly query: Readonly<Record<string, string>>;
  readonly form: Readonly<Record<string, string>>;
  readonly csrfToken: string;
}

/**
 * What the shell does after a submit: show `html` (a fragment, escaped like
 * render's; for an answer shown once, such as a new secret) with `status`, or
 * redirect (303) to the screen with `query` (post, redirect, get).
 */
export type ScreenSubmitResult = { readonly html: string; readonly status?: number } | { readonly query: Readonly<Record<string, string>> };

/**
 * EXTENSION POINT: a dashboard or console screen a plugin adds. The web shell (the
 * dashboard package) mounts every registered screen under /dashboard or /console,
 * behind its sign-in, CSRF and CSP, lists `title` in the navigation and places what
 * `render` returns inside its layout. `render` returns an HTML fragment: escape
 * everything interpolated into it.
 *
 * @example
 * ```ts
 * ctx.registerScreen({ area: 'console', path: '/acme-transfers', title: 'Acme transfers', roles: ['operator'],
 *   render: async ({ viewer }) => `<p>${escapeHtml(viewer.accountId)}</p>` });
 * ```
 */
export interface ScreenDescriptor {
  readonly area: ScreenArea;
  /** Under /dashboard or /console: lower-case segments, e.g. '/acme-transfers'. */
  readonly path: string;
  /** The navigation label. */
  readonly title: string;
  /** Roles that may open it (the shell checks); omitted: every role of the area. */
  readonly roles?: readonly string[];
  render(request: ScreenRequest): string | Promise<string>;
  /**
   * Optional: a form post to the screen's path. The shell runs it only after its
   * sign-in, the CSRF check and the screen's `roles`; a finer rule (owners only)
   * is the screen's to check.
   *
   * @example
   * ```ts
   * submit: async ({ viewer, form, csrfToken }) => {
   *   if (viewer.role !== 'owner') return { html: '<p>Only owners issue vouchers.</p>', status: 403 };
   *   const issued = await ledger.issue({ merchantId: viewer.merchantId!, livemode: viewer.mode === 'live' }, parse(form));
   *   return { html: `<p>Code (shown once): <code>${escapeHtml(issued.code)}</code></p>` };
   * }
   * ```
   */
  submit?(submission: ScreenSubmission): ScreenSubmitResult | Promise<ScreenSubmitResult>;
}

/** A registered screen and the plugin that registered it. */
export interface RegisteredScreen extends ScreenDescriptor {
  readonly plugin: string;
}

const SCREEN_PATH = /^(\/[a-z0-9][a-z0-9-]{0,62}){1,4}$/;

/**
 * The screens plugins registered, per area, in registration order. Filled during
 * the register phase; read by whatever serves the web areas.
 *
 * @example
 * ```ts
 * for (const screen of container.resolve(ScreenRegistry).list('console')) mount(screen);
 * ```
 */
export class ScreenRegistry {
  private readonly screens: RegisteredScreen[] = [];

  add(plugin: string, screen: ScreenDescriptor): void {
    if (screen.area !== 'dashboard' && screen.area !== 'console') throw new Error(`screen area must be 'dashboard' or 'console'`);
    if (!SCREEN_PATH.test(screen.path)) throw new Error(`screen path '${screen.path}' must be lower-case segments like /acme-transfers`);
    if (typeof screen.title !== 'string' || screen.title.trim() === '') throw new Error(`screen ${screen.path} needs a title`);
    if (typeof screen.render !== 'function') throw new Error(`screen ${screen.path} needs a render function`);
    if (screen.submit !== undefined && typeof screen.submit !== 'function') throw new Error(`screen ${screen.path}: submit must be a function`);
    const clash = this.screens.find((s) => s.area === screen.area && s.path === screen.path);
    if (clash !== undefined) throw new Error(`screen /${screen.area}${screen.path} is registered by ${clash.plugin} already`);
    this.screens.push({ ...screen, plugin });
  }

  list(area: ScreenArea): readonly RegisteredScreen[] {
    return this.screens.filter((s) => s.area === area);
  }
}
