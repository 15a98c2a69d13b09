import { Response } from 'express';
import { DATABASE, Database, MerchantMail, ServiceResolver } from '@tender/core';
import { contextOf } from './dashboard-page';

/**
 * A moment as the dashboard shows it: in the merchant's time zone (merchants.time_zone,
 * else the operator's TENDER_TIME_ZONE) and the screen's language, day first in ru and
 * en-GB style, Latin digits in Arabic (as every number of the product), 24-hour clock.
 *
 * @example
 * ```ts
 * dashboardMoment(Date.UTC(2026, 11, 4, 21, 5), 'ru', 'Europe/Moscow');       // '05.12.2026, 00:05'
 * dashboardMoment(Date.UTC(2026, 11, 4, 21, 5, 9), 'en', 'UTC', true);         // '04/12/2026, 21:05:09'
 * ```
 */
export function dashboardMoment(ms: number, locale: string, timeZone: string, withSeconds = false): string {
  const intl = locale === 'ar' ? 'ar-u-nu-latn' : locale === 'ru' ? 'ru' : 'en-GB';
  return new Intl.DateTimeFormat(intl, {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' as const } : {}),
    hourCycle: 'h23',
  }).format(new Date(ms));
}

/** The signed-in merchant's time zone (its own choice, else the operator's default). */
export function merchantTimeZoneOf(container: ServiceResolver): (res: Response) => Promise<string> {
  const mail = container.resolve(MerchantMail);
  const db = container.resolve<Database>(DATABASE);
  return async (res) => (await mail.merchant(db, contextOf(res).merchantId))?.timeZone ?? 'UTC';
}
