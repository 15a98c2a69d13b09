import fs from 'node:fs';
import path from 'node:path';
import { OperatorBrand, PAGE_LOCALES, PageLocale, brandTemplateData, chooseLocale, compileTemplate, directionOf, isPageLocale } from '@tender/core';

const PACKAGE_DIR = path.join(__dirname, '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(PACKAGE_DIR, file), 'utf8');

export type PageMessages = Readonly<Record<string, string>>;

/** The page templates, their style sheet and the ru/en/ar texts, read once at start. */
export class TopUpPages {
  private readonly form = compileTemplate(read('templates/top-up-page.hbs'));
  private readonly status = compileTemplate(read('templates/top-up-status.hbs'));
  private readonly css = read('templates/layout-style.css');
  private readonly messages = Object.fromEntries(PAGE_LOCALES.map((l) => [l, JSON.parse(read(`locales/${l}.json`)) as PageMessages])) as Record<
    PageLocale,
    PageMessages
  >;

  constructor(private readonly brand: OperatorBrand) {
    // Handlebars compiles on first use: render once now, so a broken template stops the start.
    this.renderForm('en', '', { action: '', values: {} });
    this.renderStatus('en', '', {});
  }

  /** `?lang=` first, then the browser's Accept-Language. */
  localeOf(query: unknown, acceptLanguage: string | undefined): PageLocale {
    const lang = typeof query === 'string' ? query : null;
    return isPageLocale(lang) ? lang : chooseLocale(null, acceptLanguage);
  }

  text(locale: PageLocale, key: string): string {
    return this.messages[locale][key] ?? this.messages.en[key] ?? key;
  }

  renderForm(locale: PageLocale, nonce: string, view: { action: string; error?: string; values: Record<string, string> }): string {
    return this.form({ ...this.common(locale, nonce), ...view });
  }

  renderStatus(locale: PageLocale, nonce: string, view: Record<string, unknown>): string {
    return this.status({ ...this.common(locale, nonce), ...view });
  }

  private common(locale: PageLocale, nonce: string): Record<string, unknown> {
    return { lang: locale, dir: directionOf(locale), m: this.messages[locale], brand: brandTemplateData(this.brand), css: this.css, nonce };
  }
}
