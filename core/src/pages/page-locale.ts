import path from 'node:path';
import { CORE_TEMPLATES_DIR } from '../templates-dir';
import { ThemeFiles } from './theme-files';

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
 * Reads the three locale files once: core's templates/locales, with the theme's own
 * `locales/<lang>.json` (when it has one) merged over it key by key, so a theme that
 * changes a few texts, or brings only some languages, still has every text. A key
 * missing in a locale is a start-up error rather than an empty label in front of a buyer.
 */
export function loadMessages(themeDir: string): Readonly<Record<PageLocale, PageMessages>> {
  const files = ThemeFiles.over(path.join(themeDir, 'locales'), path.join(CORE_TEMPLATES_DIR, 'locales'));
  const all = Object.fromEntries(PAGE_LOCALES.map((l) => [l, files.jsonLayers<PageMessages>(`${l}.json`).reduce(mergeMessages, {})])) as Record<
    PageLocale,
    PageMessages
  >;
  const reference = keysOf(all.en);
  for (const l of PAGE_LOCALES) {
    const missing = reference.filter((k) => !keysOf(all[l]).includes(k));
    if (missing.length > 0) throw new Error(`locale ${l} in ${files.layers.join(' over ')} lacks ${missing.join(', ')}`);
  }
  return all;
}

/** `over`'s texts replace `base`'s, nested objects merged. */
export function mergeMessages(base: PageMessages, over: PageMessages): PageMessages {
  const out: Record<string, string | PageMessages> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] = typeof v === 'object' && typeof prev === 'object' ? mergeMessages(prev, v) : v;
  }
  return out;
}

function keysOf(m: PageMessages, prefix = ''): string[] {
  return Object.entries(m).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keysOf(v, `${prefix}${k}.`)));
}

/** A message by key (one level of nesting: `failure.do_not_honor`), falling back to English. */
export function message(all: Readonly<Record<PageLocale, PageMessages>>, locale: PageLocale, key: string): string {
  const find = (m: PageMessages): string | undefined => {
    const value = key
      .split('.')
      .reduce<string | PageMessages | undefined>(
        (node, part) =>
          node === undefined || typeof node === 'string' ? undefined : Object.prototype.hasOwnProperty.call(node, part) ? node[part] : undefined,
        m,
      );
    return typeof value === 'string' ? value : undefined;
  };
  return find(all[locale]) ?? find(all.en) ?? key;
}
