import { isTimeZone } from './merchant-time';
import { zoneOffset } from '../clock/zone-offset';

/**
 * The operator's working calendar, against which the one-business-day connection
 * promise is measured: which weekdays are off, which dates are holidays, and the zone
 * in which a day starts and ends (TENDER_BUSINESS_WEEKEND, TENDER_BUSINESS_HOLIDAYS,
 * TENDER_BUSINESS_TIME_ZONE; docs/configuration.md).
 */
export interface BusinessCalendar {
  /** Days off by number, 0 = Sunday ... 6 = Saturday. */
  readonly weekend: readonly number[];
  /** Dates off, `YYYY-MM-DD` in the calendar's zone. */
  readonly holidays: readonly string[];
  readonly timeZone: string;
}

const DAY_MS = 86_400_000;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * Business days elapsed between two instants: only the time falling on working days
 * counts, so a merchant that chose its bank on Friday evening has waited a fraction
 * of a business day by Monday morning, not three days. Fractions are kept (1.5 is a
 * day and a half); the queue compares the result with the one-day target.
 *
 * @example
 * ```ts
 * const cal = { weekend: [0, 6], holidays: ['2027-01-01'], timeZone: 'UTC' };
 * businessDaysBetween(Date.UTC(2026, 11, 4, 12), Date.UTC(2026, 11, 7, 12), cal); // 1 (Fri noon to Mon noon)
 * ```
 */
export function businessDaysBetween(from: number, to: number, calendar: BusinessCalendar): number {
  if (to <= from) return 0;
  const holidays = new Set(calendar.holidays);
  const weekend = new Set(calendar.weekend);
  let working = 0;
  let cursor = from;
  // Walk day by day in the calendar's zone; each step ends at the next local midnight.
  while (cursor < to) {
    const local = localDay(cursor, calendar.timeZone);
    const end = Math.min(to, local.nextMidnight);
    if (!weekend.has(local.weekday) && !holidays.has(local.date)) working += end - cursor;
    cursor = end;
  }
  return working / DAY_MS;
}

/** The local date, weekday and next midnight (as an instant) of `ms` in `timeZone`. */
function localDay(ms: number, timeZone: string): { date: string; weekday: number; nextMidnight: number } {
  const offset = zoneOffset(ms, timeZone);
  const wall = ms + offset;
  const dayStartWall = Math.floor(wall / DAY_MS) * DAY_MS;
  const d = new Date(dayStartWall);
  // The next midnight's own offset, so a change of offset that night still ends the day at local midnight.
  const nextWall = dayStartWall + DAY_MS;
  const nextMidnight = nextWall - zoneOffset(nextWall - offset, timeZone);
  return { date: d.toISOString().slice(0, 10), weekday: d.getUTCDay(), nextMidnight: nextMidnight > ms ? nextMidnight : ms + DAY_MS };
}

/**
 * Reads the calendar from its settings, or the reason it is wrong: weekend days as
 * `sat,sun` (names or 0-6), holidays as `YYYY-MM-DD` dates, the zone an IANA name.
 */
export function parseBusinessCalendar(weekend: string, holidays: string, timeZone: string): BusinessCalendar | { error: string } {
  const days: number[] = [];
  for (const part of weekend
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '')) {
    const byName = WEEKDAYS.indexOf(part.slice(0, 3) as (typeof WEEKDAYS)[number]);
    const n = /^[0-6]$/.test(part) ? Number(part) : byName;
    if (n < 0) return { error: `TENDER_BUSINESS_WEEKEND: '${part}' is not a weekday (sun..sat or 0-6)` };
    days.push(n);
  }
  const dates = holidays
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = dates.find(
    (d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)) || new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d,
  );
  if (bad !== undefined) return { error: `TENDER_BUSINESS_HOLIDAYS: '${bad}' is not a date YYYY-MM-DD` };
  if (!isTimeZone(timeZone)) return { error: `TENDER_BUSINESS_TIME_ZONE: '${timeZone}' is not an IANA time zone such as Europe/Moscow` };
  if (days.length >= 7) return { error: 'TENDER_BUSINESS_WEEKEND: at least one day of the week must be a working day' };
  return { weekend: [...new Set(days)].sort(), holidays: dates, timeZone };
}
