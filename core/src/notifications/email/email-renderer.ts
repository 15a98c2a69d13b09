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

/** templates/email/ at the repository root, next to core/. */
export const EMAIL_TEMPLATES_DIR = path.join(CORE_TEMPLATES_DIR, 'email');

/**
 * Renders an e-mail from templates/email/<template>.html.hbs and .txt.hbs with the
 * strings of one locale (templates/email/locales/<locale>.json; unknown locales fall
 * back to English). Strings are Handlebars too, so they can place values
 * (`"Payment of {{amount}}"`); everything is HTML-escaped in the HTML part.
 *
 * @example
 * ```ts
 * const mail = new EmailRenderer().render('receipt', 'ru', { amount: '1 500.00 RUB', status_url: '...' });
 * ```
 */
export class EmailRenderer {
  private readonly hbs = Handlebars.create();
  private readonly cache = new Map<string, HandlebarsTemplateDelegate>();

  constructor(private readonly dir: string = EMAIL_TEMPLATES_DIR) {}

  /** `template` is one of core's (EmailTemplate) or, with a plugin's directory, a plugin's registered name. */
  render(template: EmailTemplate | string, locale: string, data: Record<string, unknown>): RenderedEmail {
    const strings = this.locale(locale);
    const textStrings: Strings = {};
    const own = (strings as unknown as Record<string, Strings | undefined>)[template] ?? {};
    for (const [key, value] of Object.entries(own)) textStrings[key] = this.compile(`str:${locale}:${template}:${key}`, () => value, true)(data);
    const context = { ...data, s: textStrings, dir: strings.dir, lang: locale };
    return {
      subject: textStrings.subject ?? template,
      html: this.compile(`${template}.html`, () => fs.readFileSync(path.join(this.dir, `${template}.html.hbs`), 'utf8'), false)(context),
      text: this.compile(`${template}.txt`, () => fs.readFileSync(path.join(this.dir, `${template}.txt.hbs`), 'utf8'), true)(context),
    };
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
