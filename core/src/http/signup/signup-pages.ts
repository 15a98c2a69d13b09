import path from 'node:path';
import Handlebars from 'handlebars';
import { CORE_TEMPLATES_DIR } from '../../templates-dir';
import { PAGE_LOCALES, PageLocale, directionOf, mergeMessages } from '../../pages/page-locale';
import { ThemeFiles } from '../../pages/theme-files';
import { DEFAULT_BRAND, OperatorBrand, brandTemplateData } from '../../config/brand-config';
import { TEMPLATE_COMPILE, createTemplateEnv } from '../../templating/template-env';

/** templates/signup at the repository root. */
export const SIGNUP_TEMPLATES = path.join(CORE_TEMPLATES_DIR, 'signup');

type Messages = { readonly [key: string]: string | Messages };

/** Each language named in itself, for the language links and the sign-up's choice. */
export const LANGUAGE_NAMES: Readonly<Record<PageLocale, string>> = { ru: 'Русский', en: 'English', ar: 'العربية' };

/**
 * The sign-up pages: core's Handlebars setup (escaping on, no prototype access), and the
 * page's own minimal layout, in ru, en or ar (templates/signup/locales/<lang>.json;
 * a missing text falls back to English). Templates are read once.
 */
export class SignupPages {
  private readonly hbs = createTemplateEnv({ texts: (locale, key, params) => this.text(locale as PageLocale, key, params) });
  private readonly layout: HandlebarsTemplateDelegate;
  private readonly formPage: HandlebarsTemplateDelegate;
  private readonly donePage: HandlebarsTemplateDelegate;
  private readonly messages = new Map<PageLocale, Messages>();

  private readonly operator: Readonly<Record<string, string | null>>;

  /**
   * `files`: core's sign-up templates, or an operator's theme over them (themedSignupFiles);
   * `brand` names the service in the texts (`{brand}`) and the layout (`{{operator.name}}`).
   */
  constructor(
    files: ThemeFiles = new ThemeFiles([SIGNUP_TEMPLATES]),
    private readonly brand: OperatorBrand = DEFAULT_BRAND,
  ) {
    this.operator = brandTemplateData(brand);
    const load = (name: string) => files.compile(this.hbs, `${name}.hbs`, TEMPLATE_COMPILE);
    for (const locale of PAGE_LOCALES) {
      this.messages.set(locale, files.jsonLayers<Messages>(path.join('locales', `${locale}.json`)).reduce(mergeMessages, {}));
    }
    this.layout = load('layout');
    this.formPage = load('signup');
    this.donePage = load('signup-done');
  }

  /** A text by dotted key, `{name}` placeholders filled; English, then the key, when missing. */
  text(locale: PageLocale, key: string, params: Record<string, unknown> = {}): string {
    const find = (m: Messages | undefined): string | undefined => {
      const v = key
        .split('.')
        .reduce<string | Messages | undefined>(
          (node, part) => (node === undefined || typeof node === 'string' || !Object.prototype.hasOwnProperty.call(node, part) ? undefined : node[part]),
          m,
        );
      return typeof v === 'string' ? v : undefined;
    };
    const text = find(this.messages.get(locale)) ?? find(this.messages.get('en')) ?? key;
    const values: Record<string, unknown> = { brand: this.brand.name, ...params };
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole));
  }

  form(locale: PageLocale, data: Record<string, unknown>): string {
    return this.page(locale, 'signup.title', this.formPage({ ...data, lang: locale }));
  }

  done(locale: PageLocale, data: Record<string, unknown>): string {
    return this.page(locale, 'signup.done_title', this.donePage({ ...data, lang: locale }));
  }

  private page(locale: PageLocale, titleKey: string, body: string): string {
    const languages = PAGE_LOCALES.map((code) => ({ code, name: LANGUAGE_NAMES[code], current: code === locale }));
    return this.layout({
      title: this.text(locale, titleKey),
      lang: locale,
      dir: directionOf(locale),
      languages,
      operator: this.operator,
      body: new Handlebars.SafeString(body),
    });
  }
}

/** core's sign-up templates with an operator theme's `signup/` folder (TENDER_TEMPLATES_DIR) over them, file by file. */
export function themedSignupFiles(themeDir: string): ThemeFiles {
  return ThemeFiles.over(path.join(themeDir, 'signup'), SIGNUP_TEMPLATES);
}
