import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** docs/screenshots of the repository (from test/dist/support). */
export const SCREENSHOTS_DIR = path.join(__dirname, '..', '..', '..', 'docs', 'screenshots');

/** Set by `npm run screenshots`; any other run leaves docs/screenshots as committed. */
export const SCREENSHOTS_FLAG = 'TENDER_WRITE_SCREENSHOTS';

/**
 * Saves the page as docs/screenshots/<name>.png, but only when `npm run screenshots`
 * asked for it: an ordinary test run must not rewrite tracked files (the images differ
 * in a few pixels from run to run and would dirty the tree).
 *
 * @example
 * ```ts
 * await saveScreenshot(page, 'dashboard-payments', { fullPage: true });
 * ```
 */
export async function saveScreenshot(page: Page, name: string, options: { readonly fullPage?: boolean } = {}): Promise<void> {
  if (process.env[SCREENSHOTS_FLAG] !== '1') return;
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage: options.fullPage === true });
}
