import fs from 'node:fs';
import path from 'node:path';

/** The languages of the screens' texts, as the dashboard has them. */
export type ScreenLocale = 'en' | 'ru' | 'ar';
const LOCALES: readonly ScreenLocale[] = ['en', 'ru', 'ar'];

type Messages = { readonly [key: string]: string | Messages };

/**
 * The screens' texts (templates/screens/locales/<locale>.json), read once. A key missing
 * in ru or ar falls back to English; one missing in English is a bug and throws, so a
 * typo shows in the first test that renders it.
 *
 * @example
 * ```ts
 * const texts = new ScreenMessages(dir);
 * texts.text('ru', 'schedules.every_many.month', { n: 3 }); // 'каждые 3 мес.'
 * ```
 */
export class ScreenMessages {
  private readonly messages: Readonly<Record<ScreenLocale, Messages>>;

  constructor(dir: string) {
    const load = (locale: ScreenLocale): Messages => JSON.parse(fs.readFileSync(path.join(dir, `${locale}.json`), 'utf8')) as Messages;
    this.messages = { en: load('en'), ru: load('ru'), ar: load('ar') };
  }

  /** The viewer's language if the screens have it, else English. */
  static localeOf(locale: string): ScreenLocale {
    return LOCALES.find((l) => l === locale.slice(0, 2).toLowerCase()) ?? 'en';
  }

  text(locale: ScreenLocale, key: string, params: Readonly<Record<string, string | number>> = {}): string {
    const found = lookup(this.messages[locale], key) ?? lookup(this.messages.en, key);
    if (found === undefined) throw new Error(`saved-cards screens: no text '${key}'`);
    return found.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
  }
}

function lookup(messages: Messages, key: string): string | undefined {
  let at: string | Messages | undefined = messages;
  for (const part of key.split('.')) at = typeof at === 'object' ? at[part] : undefined;
  return typeof at === 'string' ? at : undefined;
}
