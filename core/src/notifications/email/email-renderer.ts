import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { CORE_TEMPLATES_DIR } from '../../templates-dir';
import { EmailTemplate } from './email-queue';

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

type Strings = Record<string, string>;
type LocaleFile = { dir: 'ltr' | 'rtl' } & Record<EmailTemplate, Strings>;

/** A template in a family folder (`onboarding/live`) without its own files uses the family's `_layout`. */
const FAMILY = /^([a-z]+)\/[a-z0-9-]+$/;

/** templates/email/ at the repository root, next to core/. */
export const EMAIL_TEMPLATES_DIR = path.join(CORE_TEMPLATES_DIR, 'email');

/**
 * Renders an e-mail from templates/email/<template>.html.hbs and .txt.hbs with the
 * strings of one locale (templates/email/locales/<locale>.json; unknown locales fall
 * back to English). Strings are Handlebars too, so they can place values
 * (`"Payment of {{amount}}"`); everything is HTML-escaped in the HTML part.
 *
 * A template of a family (`onboarding/live`) takes its strings from the locale
 * file's `"onboarding/live"` block over the family's `"onboarding/common"` block, and
 * its files from `onboarding/live.html.hbs` or, without them, `onboarding/_layout.*`:
 * one layout, many messages that differ only in their strings.
 *
 * @example
 * ```ts
 * const mail = new EmailRenderer().render('receipt', 'ru', { amount: '1 500.00 RUB', status_url: '...' });
 * ```
 */
export class EmailRenderer {
  private readonly hbs = Handlebars.create();
  private readonly cache = new Map<string, HandlebarsTemplateDelegate>();

  constructor(private readonly dir: string = EMAIL_TEMPLATES_DIR) {
    // Numbered lists in plain text (a bank's plan of documents).
    this.hbs.registerHelper('add1', (i: unknown) => Number(i) + 1);
  }

  /** `template` is one of core's (EmailTemplate) or, with a plugin's directory, a plugin's registered name. */
  render(template: EmailTemplate | string, locale: string, data: Record<string, unknown>): RenderedEmail {
    const strings = this.locale(locale);
    const textStrings: Strings = {};
    const blocks = strings as unknown as Record<string, Strings | undefined>;
    const family = FAMILY.exec(template)?.[1];
    const own = { ...(family === undefined ? {} : blocks[`${family}/common`]), ...blocks[template] };
    for (const [key, value] of Object.entries(own)) textStrings[key] = this.compile(`str:${locale}:${template}:${key}`, () => value, true)(data);
    const context = { ...data, s: textStrings, dir: strings.dir, lang: locale };
    return {
      subject: textStrings.subject ?? template,
      html: this.compile(`${template}.html`, () => this.source(template, family, 'html'), false)(context),
      text: this.compile(`${template}.txt`, () => this.source(template, family, 'txt'), true)(context),
    };
  }

  private source(template: string, family: string | undefined, kind: 'html' | 'txt'): string {
    const own = path.join(this.dir, `${template}.${kind}.hbs`);
    const file = family !== undefined && !fs.existsSync(own) ? path.join(this.dir, family, `_layout.${kind}.hbs`) : own;
    return fs.readFileSync(file, 'utf8');
  }

  private locale(locale: string): LocaleFile {
    const file = path.join(this.dir, 'locales', `${/^[a-z]{2}$/.test(locale) ? locale : 'en'}.json`);
    return JSON.parse(fs.readFileSync(fs.existsSync(file) ? file : path.join(this.dir, 'locales', 'en.json'), 'utf8')) as LocaleFile;
  }

  private compile(key: string, source: () => string, plain: boolean): HandlebarsTemplateDelegate {
    let t = this.cache.get(key);
    if (t === undefined) {
      t = this.hbs.compile(source(), { noEscape: plain, strict: false });
      this.cache.set(key, t);
    }
    return t;
  }
}
