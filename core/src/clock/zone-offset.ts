/**
 * The UTC offset of an IANA time zone at an instant, in milliseconds: how far the
 * zone's wall clock is ahead of UTC then (Moscow: +3 h, New York in winter: -5 h).
 * The one place Tender derives an offset; business calendars, payout cut-offs and
 * plugins' schedules all use it, so they agree about every clock change.
 *
 * Intl is the only source of zone rules in Node without a dependency; the wall time
 * it formats is read back as if it were UTC, and the difference is the offset.
 * Seconds are truncated on both sides, so historical offsets with seconds in them
 * (LMT) still come out whole.
 *
 * @example
 * ```ts
 * zoneOffset(Date.UTC(2027, 6, 1), 'Europe/Berlin'); // 7_200_000 (CEST)
 * zoneOffset(Date.UTC(2027, 0, 1), 'Europe/Berlin'); // 3_600_000 (CET)
 * ```
 */
export function zoneOffset(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(ms / 1000) * 1000;
}
