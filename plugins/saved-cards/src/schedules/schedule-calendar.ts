/**
 * The calendar a schedule charges on: dates without a time of day (the buyer and the
 * merchant think "on the 31st of every month", not "every 2 678 400 000 ms"), turned
 * into instants in one IANA time zone. Pure functions, no clock.
 */

import { zoneOffset } from '@tender/core';

/** The units a schedule repeats in. */
export const SCHEDULE_INTERVALS = ['day', 'week', 'month', 'year'] as const;
export type ScheduleInterval = (typeof SCHEDULE_INTERVALS)[number];

/** The longest period a schedule may have, per unit (one year, as card networks expect of recurring payments). */
export const MAX_INTERVAL_COUNT: Readonly<Record<ScheduleInterval, number>> = { day: 365, week: 52, month: 12, year: 1 };

/** A date on the calendar (proleptic Gregorian), month 1-12. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** How a schedule repeats: every `intervalCount` `interval`s from `anchor` (the first charge's date). */
export interface Cadence {
  readonly interval: ScheduleInterval;
  readonly intervalCount: number;
  readonly anchor: CalendarDate;
}

const DAY_MS = 86_400_000;

/**
 * A `YYYY-MM-DD` text as a date, undefined unless it is a real day (2026-02-30 is not).
 *
 * @example
 * ```ts
 * parseCalendarDate('2028-02-29'); // { year: 2028, month: 2, day: 29 }
 * parseCalendarDate('2027-02-29'); // undefined
 * ```
 */
export function parseCalendarDate(text: string): CalendarDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return undefined;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (date.year < 1970 || date.month < 1 || date.month > 12 || date.day < 1 || date.day > daysInMonth(date.year, date.month)) return undefined;
  return date;
}

export function formatCalendarDate(date: CalendarDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * `months` later, on the same day of the month, or the month's last day when it is
 * shorter. The day is always taken from `date` itself, so callers that step from a
 * fixed anchor never drift: Jan 31 gives Feb 28 (29 in a leap year), then Mar 31.
 */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

/**
 * The date of period `index` (0 is the anchor). Each period is computed from the
 * anchor, never from the period before, so month-end clamping keeps the anchor's day.
 *
 * @example
 * ```ts
 * const monthly = { interval: 'month', intervalCount: 1, anchor: { year: 2027, month: 1, day: 31 } } as const;
 * periodDate(monthly, 1); // 2027-02-28
 * periodDate(monthly, 2); // 2027-03-31
 * ```
 */
export function periodDate(cadence: Cadence, index: number): CalendarDate {
  const steps = index * cadence.intervalCount;
  switch (cadence.interval) {
    case 'day':
      return addDays(cadence.anchor, steps);
    case 'week':
      return addDays(cadence.anchor, steps * 7);
    case 'month':
      return addMonths(cadence.anchor, steps);
    case 'year':
      return addMonths(cadence.anchor, steps * 12);
  }
}

/** The shortest length of one period in days (a month counts 28, a year 365). */
export function shortestPeriodDays(interval: ScheduleInterval, intervalCount: number): number {
  const unit = { day: 1, week: 7, month: 28, year: 365 }[interval];
  return unit * intervalCount;
}

/**
 * The instant the date begins in `timeZone` (its local midnight). Where a clock change
 * skips midnight, the first instant of the day that exists.
 *
 * @example
 * ```ts
 * startOfDay({ year: 2027, month: 1, day: 1 }, 'Europe/Moscow'); // Date.UTC(2026, 11, 31, 21)
 * ```
 */
export function startOfDay(date: CalendarDate, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day);
  // Offsets range from -12 h to +14 h: the zone's offsets around the day hold the one in force at its midnight.
  const candidates = [...new Set([-15, 0, 15].map((h) => zoneOffset(wall + h * 3_600_000, timeZone)))].map((offset) => wall - offset).sort((a, b) => a - b);
  const exact = candidates.find((t) => wall - zoneOffset(t, timeZone) === t);
  if (exact !== undefined) return exact;
  // Midnight skipped by a clock change: the first candidate that falls inside the day.
  return candidates.find((t) => compareDates(dateIn(t, timeZone), date) === 0) ?? candidates[candidates.length - 1];
}

/** The calendar date in `timeZone` at instant `ms`. */
export function dateIn(ms: number, timeZone: string): CalendarDate {
  const shifted = new Date(ms + zoneOffset(ms, timeZone));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}
