import path from 'node:path';
import { Request, Response } from 'express';
import { PAGE_LOCALES, PageLocale, ThemeFiles, WEB_LOCALE_MAX_AGE_MS, chooseLocale, isPageLocale, readCookie, setWebCookie } from '@tender/core';

export const WEB_LOCALE_COOKIE = 'tender_web_lang';

export type WebMessages = { readonly [key: string]: string | WebMessages };

/**
 * The shell's language for a request: `?lang=` (remembered in a cookie), else the
 * cookie, else Accept-Language, else English; the same three locales as the payment
 * page (ar is right to left).
 */
export function chooseWebLocale(req: Request, res: Response, publicUrl: string): PageLocale {
  const asked = typeof req.query.lang === 'string' ? req.query.lang : undefined;
  if (isPageLocale(asked)) {
    rememberWebLocale(req, res, asked, publicUrl);
    return asked;
  }
  const remembered = readCookie(req, WEB_LOCALE_COOKIE);
  if (isPageLocale(remembered)) return remembered;
  return chooseLocale(null, req.get('accept-language'));
}

/** Remembers the web language for the whole site (the sign-up page, the dashboard and the console share it). */
export function rememberWebLocale(req: Request, res: Response, locale: PageLocale, publicUrl: string): void {
  setWebCookie(req, res, WEB_LOCALE_COOKIE, locale, { publicUrl, path: '/', maxAgeMs: WEB_LOCALE_MAX_AGE_MS });
}

/**
 * Every area's texts merged per locale: templates/locales/<area>/<lang>.json for each
 * area folder (shell, dashboard, console, ...) of any layer, an operator theme's file
 * (dashboard/locales/<area>/<lang>.json) merged over the package's key by key. Each file
 * is an object merged at the top level, so an area keeps its keys under its own names.
 * `{brand}` in a text becomes the operator's brand name.
 */
export function loadWebMessages(files: ThemeFiles, brandName = 'Tender'): Readonly<Record<PageLocale, WebMessages>> {
  const areas = files.folders('locales');
  const out = {} as Record<PageLocale, WebMessages>;
  for (const locale of PAGE_LOCALES) {
    let merged: WebMessages = {};
    for (const area of areas) {
      for (const layer of files.jsonLayers<WebMessages>(path.join('locales', area, `${locale}.json`))) merged = deepMerge(merged, layer);
    }
    out[locale] = withBrand(merged, brandName);
  }
  return out;
}

function withBrand(m: WebMessages, brandName: string): WebMessages {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/\{brand\}/g, brandName) : withBrand(v, brandName)]));
}

/** A text by dotted key in the locale, falling back to English, then to the key itself. */
export function webMessage(
  all: Readonly<Record<PageLocale, WebMessages>>,
  locale: PageLocale,
  key: string,
  params: Readonly<Record<string, unknown>> = {},
): string {
  const find = (m: WebMessages): string | undefined => {
    const value = key
      .split('.')
      .reduce<string | WebMessages | undefined>(
        (node, part) =>
          node === undefined || typeof node === 'string' ? undefined : Object.prototype.hasOwnProperty.call(node, part) ? node[part] : undefined,
        m,
      );
    return typeof value === 'string' ? value : undefined;
  };
  const text = find(all[locale]) ?? find(all.en) ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole));
}

function deepMerge(a: WebMessages, b: WebMessages): WebMessages {
  const out: Record<string, string | WebMessages> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = typeof v === 'object' && typeof prev === 'object' ? deepMerge(prev, v) : v;
  }
  return out;
}
