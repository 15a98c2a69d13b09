import fs from 'node:fs';
import path from 'node:path';
import { CORE_TEMPLATES_DIR } from '../templates-dir';

export const PAGE_LOCALES = ['ru', 'en', 'ar'] as const;
export type PageLocale = (typeof PAGE_LOCALES)[number];

/** Locales written right to left. */
const RTL: ReadonlySet<PageLocale> = new Set<PageLocale>(['ar']);

/** Every text of the pages, from templates/locales/<locale>.json. */
export interface PageMessages {
  readonly [key: string]: string | PageMessages;
}

/**
 * The page language: the payment's `locale` when the shop chose one, else the
 * first supported language in Accept-Language (by q-value), else English.
 *
 * @example
 * ```ts
 * chooseLocale(null, 'ar-EG,ar;q=0.9,en;q=0.5'); // 'ar'
 * chooseLocale('ru', 'en-US');                   // 'ru'
 * ```
 */
export function chooseLocale(paymentLocale: string | null, acceptLanguage: string | undefined): PageLocale {
  if (isPageLocale(paymentLocale)) return paymentLocale;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find((m) => m !== null);
      return { lang: tag.toLowerCase().split('-')[0] ?? '', q: q === undefined || q === null ? 1 : Number(q[1]), index };
    })
    .filter((l) => l.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((l) => l.lang).find(isPageLocale) ?? 'en';
}

export function isPageLocale(value: string | null | undefined): value is PageLocale {
  return (PAGE_LOCALES as readonly string[]).includes(value ?? '');
}

export function directionOf(locale: PageLocale): 'rtl' | 'ltr' {
  return RTL.has(locale) ? 'rtl' : 'ltr';
}

/**
 * Reads the three locale files once. A theme may bring its own `locales/` folder;
 * otherwise core's templates/locales is used (not the folder next to the theme: an
 * operator's theme lives outside the package). A missing key in a locale
 * is a start-up error rather than an empty label in front of a buyer.
 */
export function loadMessages(themeDir: string): Readonly<Record<PageLocale, PageMessages>> {
  const own = path.join(themeDir, 'locales');
  const dir = fs.existsSync(own) ? own : path.join(CORE_TEMPLATES_DIR, 'locales');
  const all = Object.fromEntries(PAGE_LOCALES.map((l) => [l, JSON.parse(fs.readFileSync(path.join(dir, `${l}.json`), 'utf8')) as PageMessages])) as Record<PageLocale, PageMessages>;
  const reference = keysOf(all.en);
  for (const l of PAGE_LOCALES) {
    const missing = reference.filter((k) => !keysOf(all[l]).includes(k));
    if (missing.length > 0) throw new Error(`locale ${l} in ${dir} lacks ${missing.join(', ')}`);
  }
  return all;
}

function keysOf(m: PageMessages, prefix = ''): string[] {
  return Object.entries(m).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keysOf(v, `${prefix}${k}.`)));
}

/** A message by key (one level of nesting: `failure.do_not_honor`), falling back to English. */
export function message(all: Readonly<Record<PageLocale, PageMessages>>, locale: PageLocale, key: string): string {
  const find = (m: PageMessages): string | undefined => {
    const value = key.split('.').reduce<string | PageMessages | undefined>((node, part) => (node === undefined || typeof node === 'string' ? undefined : Object.prototype.hasOwnProperty.call(node, part) ? node[part] : undefined), m);
    return typeof value === 'string' ? value : undefined;
  };
  return find(all[locale]) ?? find(all.en) ?? key;
}
