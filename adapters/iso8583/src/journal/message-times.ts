const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Field 7, transmission date and time: MMDDhhmmss in UTC (GMT), as the standard says. */
export function transmissionTime(at: number): string {
  const d = new Date(at);
  return `${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`;
}

/**
 * Fields 12 (hhmmss) and 13 (MMDD): the card acceptor's local time, in `timeZone`
 * (IANA, e.g. `Europe/Moscow`), not UTC.
 *
 * @example
 * ```ts
 * localTime(Date.UTC(2026, 10, 27, 22, 30), 'Europe/Moscow'); // { time: '013000', date: '1128' }
 * ```
 */
export function localTime(at: number, timeZone: string): { time: string; date: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '00';
  return { time: `${part('hour')}${part('minute')}${part('second')}`, date: `${part('month')}${part('day')}` };
}

/** Whether `timeZone` is one this runtime knows (checked once, at start-up). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}
