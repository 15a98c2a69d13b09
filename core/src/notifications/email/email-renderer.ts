import path from 'node:path';
import { CORE_TEMPLATES_DIR } from '../../templates-dir';
import { createTemplateEnv } from '../../templating/template-env';
import { EmailTemplate } from './email-queue';
import { ThemeFileError, ThemeFiles } from '../../pages/theme-files';
import { PageMessages, mergeMessages } from '../../pages/page-locale';
import { DEFAULT_BRAND, OperatorBrand, brandTemplateData } from '../../config/brand-config';

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
  private readonly hbs = createTemplateEnv({ helpers: ['add1'] });
  private readonly cache = new Map<string, HandlebarsTemplateDelegate>();

  private readonly files: ThemeFiles;
  /** `{{operator.name}}` and the rest of the brand, in every string and template. */
  private readonly operator: Readonly<Record<string, string | null>>;

  /** `files`: a folder of templates, or an operator's theme over core's (themedEmailFiles). */
  constructor(files: ThemeFiles | string = EMAIL_TEMPLATES_DIR, brand?: OperatorBrand) {
    this.files = typeof files === 'string' ? new ThemeFiles([files]) : files;
    this.operator = brandTemplateData(brand ?? DEFAULT_BRAND);
  }

  /** `template` is one of core's (EmailTemplate) or, with a plugin's directory, a plugin's registered name. */
  render(template: EmailTemplate | string, locale: string, data: Record<string, unknown>): RenderedEmail {
    const strings = this.locale(locale);
    const withOperator = { operator: this.operator, ...data };
    const textStrings: Strings = {};
    const blocks = strings as unknown as Record<string, Strings | undefined>;
    const family = FAMILY.exec(template)?.[1];
    const own = { ...(family === undefined ? {} : blocks[`${family}/common`]), ...blocks[template] };
    for (const [key, value] of Object.entries(own)) textStrings[key] = this.compile(`str:${locale}:${template}:${key}`, () => value, true)(withOperator);
    const context = { ...withOperator, s: textStrings, dir: strings.dir, lang: locale };
    return {
      subject: textStrings.subject ?? template,
      html: this.compile(`${template}.html`, () => this.source(template, family, 'html'), false)(context),
      text: this.compile(`${template}.txt`, () => this.source(template, family, 'txt'), true)(context),
    };
  }

  private source(template: string, family: string | undefined, kind: 'html' | 'txt'): string {
    const own = `${template}.${kind}.hbs`;
    return this.files.read(family !== undefined && this.files.find(own) === undefined ? path.join(family, `_layout.${kind}.hbs`) : own);
  }

  /** The locale's strings (English for an unknown one), an operator's file merged over core's key by key. */
  private locale(locale: string): LocaleFile {
    const name = `${/^[a-z]{2}$/.test(locale) ? locale : 'en'}.json`;
    const file = path.join('locales', this.files.find(path.join('locales', name)) === undefined ? 'en.json' : name);
    const layers = this.files.jsonLayers<PageMessages>(file);
    if (layers.length === 0) this.files.read(file);
    return layers.reduce(mergeMessages, {}) as unknown as LocaleFile;
  }

  private compile(key: string, source: () => string, plain: boolean): HandlebarsTemplateDelegate {
    let t = this.cache.get(key);
    if (t === undefined) {
      const text = source();
      try {
        this.hbs.parse(text);
      } catch (error) {
        throw new ThemeFileError(
          `${this.files.layers[0] ?? ''} (${key})`,
          `is not a valid Handlebars template (${(error as Error).message.split('\n')[0] ?? ''})`,
        );
      }
      t = this.hbs.compile(text, { noEscape: plain, strict: false });
      this.cache.set(key, t);
    }
    return t;
  }
}

/** core's e-mail templates with an operator theme's `email/` folder (TENDER_TEMPLATES_DIR) over them, file by file. */
export function themedEmailFiles(themeDir: string): ThemeFiles {
  return ThemeFiles.over(path.join(themeDir, 'email'), EMAIL_TEMPLATES_DIR);
}
