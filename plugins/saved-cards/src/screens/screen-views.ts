import fs from 'node:fs';
import path from 'node:path';
import { TEMPLATE_COMPILE, createTemplateEnv } from '@tender/core';
import { ScreenLocale, ScreenMessages } from './screen-messages';

/** The screens' templates: plugins/saved-cards/templates/screens (from dist/screens or src/screens). */
export const SCREEN_TEMPLATES_DIR = path.resolve(__dirname, '..', '..', 'templates', 'screens');

/** The templates there, by file name without `.hbs`. */
export type ScreenView = 'customers' | 'customer' | 'card-delete-confirm' | 'schedules' | 'schedule' | 'schedule-cancel-confirm';

const VIEWS: readonly ScreenView[] = ['customers', 'customer', 'card-delete-confirm', 'schedules', 'schedule', 'schedule-cancel-confirm'];

/**
 * Renders the saved-cards screens' fragments. Every template is compiled when the
 * plugin registers its screens, so a broken one stops the start rather than a page.
 * Only `{{...}}` (escaped) is allowed: a template that prints a value raw (`{{{`)
 * is refused, because everything the screens show (names, e-mails, descriptions)
 * is the merchant's or the buyer's text. Texts come from `locales/<locale>.json` next to
 * the templates, through the helper `{{t "key" name=value}}` (escaped like any value).
 *
 * @example
 * ```ts
 * const views = new SavedCardScreenViews();
 * views.render('customers', 'ru', { customers: [], filter: {} });
 * ```
 */
export class SavedCardScreenViews {
  private readonly env;
  private readonly views = new Map<ScreenView, HandlebarsTemplateDelegate>();
  readonly messages: ScreenMessages;

  constructor(dir: string = SCREEN_TEMPLATES_DIR) {
    this.messages = new ScreenMessages(path.join(dir, 'locales'));
    const messages = this.messages;
    this.env = createTemplateEnv({ texts: (locale, key, params) => messages.text(locale as ScreenLocale, key, params as Record<string, string | number>) });
    for (const view of VIEWS) {
      const file = path.join(dir, `${view}.hbs`);
      const source = fs.readFileSync(file, 'utf8');
      if (source.includes('{{{') || /\{\{\s*&/.test(source)) throw new Error(`saved-cards screen template ${file} prints a value unescaped`);
      this.views.set(view, this.env.compile(source, TEMPLATE_COMPILE));
    }
  }

  render(view: ScreenView, locale: ScreenLocale, data: Record<string, unknown>): string {
    const template = this.views.get(view);
    if (template === undefined) throw new Error(`no saved-cards screen template ${view}`);
    return template({ ...data, locale });
  }
}
