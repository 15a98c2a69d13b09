import path from 'node:path';

/**
 * core/templates: the files core renders (the hosted page's default theme and its
 * locales, the e-mails, the sign-up page). Resolved from this file's place in the
 * package (core/dist or core/src, one level below the package root), so an installed
 * @tender/core finds the templates in its own tarball, wherever node_modules is.
 *
 * @example
 * ```ts
 * const receipt = path.join(CORE_TEMPLATES_DIR, 'email', 'receipt.html.hbs');
 * ```
 */
export const CORE_TEMPLATES_DIR = path.resolve(__dirname, '..', 'templates');

/** The hosted page's default theme (TENDER_TEMPLATES_DIR replaces it: docs/branding.md). */
export const DEFAULT_THEME_DIR = path.join(CORE_TEMPLATES_DIR, 'default');
