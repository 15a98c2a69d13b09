import fs from 'node:fs';
import path from 'node:path';
import { Request, Response } from 'express';
import { PAGE_LOCALES, PageLocale, chooseLocale, isPageLocale, readCookie } from '@tender/core';

export const WEB_LOCALE_COOKIE = 'tender_web_lang';

export type WebMessages = { readonly [key: string]: string | WebMessages };

/**
 * The shell's language for a request: `?lang=` (remembered in a cookie), else the
 * cookie, else Accept-Language, else English; the same three locales as the payment
 * page (ar is right to left).
 */
export function chooseWebLocale(req: Request, res: Response, secure: boolean): PageLocale {
  const asked = typeof req.query.lang === 'string' ? req.query.lang : undefined;
  if (isPageLocale(asked)) {
    res.cookie(WEB_LOCALE_COOKIE, asked, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 365 * 24 * 3600_000 });
    return asked;
  }
  const remembered = readCookie(req, WEB_LOCALE_COOKIE);
  if (isPageLocale(remembered)) return remembered;
  return chooseLocale(null, req.get('accept-language'));
}

/**
 * Every area's texts merged per locale: dashboard/templates/locales/<area>/<lang>.json for
 * each area folder (shell, dashboard, console, ...). Each file is an object merged at
 * the top level, so an area keeps its keys under its own names.
 */
export function loadWebMessages(localesDir: string): Readonly<Record<PageLocale, WebMessages>> {
  const areas = fs.existsSync(localesDir) ? fs.readdirSync(localesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];
  const out = {} as Record<PageLocale, WebMessages>;
  for (const locale of PAGE_LOCALES) {
    let merged: WebMessages = {};
    for (const area of areas) {
      const file = path.join(localesDir, area, `${locale}.json`);
      if (fs.existsSync(file)) merged = deepMerge(merged, JSON.parse(fs.readFileSync(file, 'utf8')) as WebMessages);
    }
    out[locale] = merged;
  }
  return out;
}

/** A text by dotted key in the locale, falling back to English, then to the key itself. */
export function webMessage(all: Readonly<Record<PageLocale, WebMessages>>, locale: PageLocale, key: string, params: Readonly<Record<string, unknown>> = {}): string {
  const find = (m: WebMessages): string | undefined => {
    const value = key.split('.').reduce<string | WebMessages | undefined>((node, part) => (node === undefined || typeof node === 'string' ? undefined : Object.prototype.hasOwnProperty.call(node, part) ? node[part] : undefined), m);
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
