/**
 * Dates as a merchant reads them: in its own time zone and language, never a raw
 * ISO timestamp. The zone is an IANA name chosen at sign-up (merchants.time_zone).
 *
 * @example
 * ```ts
 * formatInZone(Date.UTC(2026, 11, 4, 21, 0), 'Europe/Moscow', 'ru'); // '5 декабря 2026 г. в 00:00 (Europe/Moscow)'
 * isTimeZone('Mars/Olympus'); // false
 * ```
 */
export function formatInZone(ms: number, timeZone: string, locale: string): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const text = new Intl.DateTimeFormat(intlLocale(locale), { timeZone: zone, dateStyle: 'long', timeStyle: 'short', hourCycle: 'h23' }).format(new Date(ms));
  return `${text} (${zone})`;
}

/** A name the runtime's time-zone database knows (Intl refuses the rest). */
export function isTimeZone(value: string): boolean {
  if (value.length === 0 || value.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The zones offered at sign-up and in the dashboard: Russia's, its neighbours', the Gulf and UTC. */
export const OFFERED_TIME_ZONES = [
  'Europe/Kaliningrad',
  'Europe/Moscow',
  'Europe/Samara',
  'Asia/Yekaterinburg',
  'Asia/Omsk',
  'Asia/Novosibirsk',
  'Asia/Krasnoyarsk',
  'Asia/Irkutsk',
  'Asia/Yakutsk',
  'Asia/Vladivostok',
  'Asia/Magadan',
  'Asia/Kamchatka',
  'Europe/Minsk',
  'Asia/Almaty',
  'Asia/Tashkent',
  'Asia/Dubai',
  'Asia/Riyadh',
  'Africa/Cairo',
  'Europe/London',
  'Europe/Berlin',
  'UTC',
] as const;

/** Arabic with Latin digits and the Gregorian calendar, as the rest of the product shows numbers. */
function intlLocale(locale: string): string {
  return locale === 'ar' ? 'ar-u-nu-latn-ca-gregory' : locale === 'ru' ? 'ru' : 'en-GB';
}
