import { shortestPeriodDays } from './schedule-calendar';
import { ScheduleProgress, ScheduleTerms } from './schedule-progress';

const DAY_MS = 86_400_000;

/**
 * Whether the "upcoming charge" e-mail for the schedule's next period is due at
 * `now`: `noticeDays` days before the charge (0 turns the notice off), once per
 * period (`lastNoticedPeriod` is the last period a notice was queued for, -1 none),
 * never for a retry, and only when periods are longer than the notice (a daily
 * schedule would otherwise announce every charge right after the one before). The
 * first period is announced when the schedule was created more than `noticeDays`
 * before it.
 *
 * @example
 * ```ts
 * upcomingNoticeDue(monthlyTerms, progress, 3, createdAt, -1, progress.nextChargeAt! - 2 * 86_400_000); // true
 * ```
 */
export function upcomingNoticeDue(
  terms: ScheduleTerms,
  progress: ScheduleProgress,
  noticeDays: number,
  createdAt: number,
  lastNoticedPeriod: number,
  now: number,
): boolean {
  if (noticeDays <= 0 || progress.status !== 'active' || progress.nextAttempt !== 0 || progress.nextChargeAt === null) return false;
  if (lastNoticedPeriod >= progress.nextPeriod) return false;
  const noticeAt = progress.nextChargeAt - noticeDays * DAY_MS;
  if (now < noticeAt || now >= progress.nextChargeAt) return false;
  if (progress.nextPeriod === 0) return createdAt <= noticeAt;
  return shortestPeriodDays(terms.cadence.interval, terms.cadence.intervalCount) > noticeDays;
}
