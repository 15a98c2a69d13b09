import { SavedCardsEventType } from '../events/saved-cards-events';
import { Cadence, CalendarDate, addDays, compareDates, periodDate, startOfDay } from './schedule-calendar';
import { decideAfterFailure } from './retry-policy';
import { CancellationReason, ScheduleStatus, canMoveSchedule } from './schedule-state';

/** What a schedule charges on: its cadence, its end, its time zone. Fixed at creation. */
export interface ScheduleTerms {
  readonly cadence: Cadence;
  /** How many periods in all; null: until `endDate` or for ever. */
  readonly count: number | null;
  /** The last date a period may fall on (inclusive); null: no end date. */
  readonly endDate: CalendarDate | null;
  /** The IANA zone the dates are days of (the merchant's at creation, else the operator's TENDER_TIME_ZONE). */
  readonly timeZone: string;
}

/** Where a schedule is: the period and attempt the charger makes next, and when. */
export interface ScheduleProgress {
  readonly status: ScheduleStatus;
  readonly nextPeriod: number;
  readonly nextAttempt: number;
  /** When the next attempt is due; null once the schedule is final. */
  readonly nextChargeAt: number | null;
  readonly chargesMade: number;
  readonly cancellationReason: CancellationReason | null;
}

/** The schedule's events (registered with the plugin's others), each recorded in the transaction of the change. */
export type ScheduleEventType = Extract<SavedCardsEventType, `schedule.${string}`>;

const DAY_MS = 86_400_000;

/** Does period `index` exist (within the count and the end date)? */
export function hasPeriod(terms: ScheduleTerms, index: number): boolean {
  if (terms.count !== null && index >= terms.count) return false;
  return terms.endDate === null || compareDates(periodDate(terms.cadence, index), terms.endDate) <= 0;
}

/** When period `index` is due: the start of its date in the schedule's zone. */
export function periodDueAt(terms: ScheduleTerms, index: number): number {
  return startOfDay(periodDate(terms.cadence, index), terms.timeZone);
}

/** The progress of a new schedule: period 0, attempt 0, due on the first date. */
export function initialProgress(terms: ScheduleTerms): ScheduleProgress {
  return { status: 'active', nextPeriod: 0, nextAttempt: 0, nextChargeAt: periodDueAt(terms, 0), chargesMade: 0, cancellationReason: null };
}

/** The result of an attempt as the charger saw it. */
export type ChargeOutcome = { readonly kind: 'succeeded' } | { readonly kind: 'failed'; readonly code: string };

export interface ProgressStep {
  readonly progress: ScheduleProgress;
  /** Events to record, in order. */
  readonly events: readonly ScheduleEventType[];
  /** Set when the failure is to be retried: when and which attempt. */
  readonly retry?: { readonly attempt: number; readonly at: number };
}

/**
 * Where the schedule goes after the attempt it was waiting for ended with `outcome`
 * at `now`. Periods are charged in order: the next period is charged only once this
 * one succeeded (a late one at once, so none is skipped). A soft decline is retried
 * `retryDays[attempt]` days after the period's date (at the start of that day), but
 * never sooner than the gap between two retries after the failed attempt, so a
 * period charged late does not spend its retries in consecutive rounds.
 *
 * @example
 * ```ts
 * afterCharge(terms, progress, { kind: 'failed', code: 'insufficient_funds' }, [1, 3, 5], now);
 * // { progress: { status: 'past_due', nextAttempt: 1, nextChargeAt: <date + 1 day>, ... },
 * //   events: ['schedule.charge_failed', 'schedule.past_due', 'schedule.retry_scheduled'], retry: {...} }
 * ```
 */
export function afterCharge(terms: ScheduleTerms, progress: ScheduleProgress, outcome: ChargeOutcome, retryDays: readonly number[], now: number): ProgressStep {
  if (outcome.kind === 'succeeded') {
    const chargesMade = progress.chargesMade + 1;
    const nextPeriod = progress.nextPeriod + 1;
    if (!hasPeriod(terms, nextPeriod)) {
      return {
        progress: { ...progress, status: move(progress.status, 'completed'), nextPeriod, nextAttempt: 0, nextChargeAt: null, chargesMade },
        events: ['schedule.charge_succeeded', 'schedule.completed'],
      };
    }
    return {
      progress: { ...progress, status: move(progress.status, 'active'), nextPeriod, nextAttempt: 0, nextChargeAt: periodDueAt(terms, nextPeriod), chargesMade },
      events: ['schedule.charge_succeeded'],
    };
  }
  const decision = decideAfterFailure(outcome.code, progress.nextAttempt, retryDays);
  if (decision.kind === 'stop') {
    return {
      progress: { ...progress, status: move(progress.status, 'canceled'), nextChargeAt: null, cancellationReason: decision.reason },
      events: ['schedule.charge_failed', 'schedule.canceled'],
    };
  }
  const previousDays = progress.nextAttempt === 0 ? 0 : (retryDays[progress.nextAttempt - 1] ?? 0);
  const onCalendar = startOfDay(addDays(periodDate(terms.cadence, progress.nextPeriod), decision.afterDays), terms.timeZone);
  const at = Math.max(onCalendar, now + (decision.afterDays - previousDays) * DAY_MS);
  const becomesPastDue = progress.status === 'active';
  return {
    progress: { ...progress, status: move(progress.status, 'past_due'), nextAttempt: decision.attempt, nextChargeAt: at },
    events: becomesPastDue
      ? ['schedule.charge_failed', 'schedule.past_due', 'schedule.retry_scheduled']
      : ['schedule.charge_failed', 'schedule.retry_scheduled'],
    retry: { attempt: decision.attempt, at },
  };
}

/** The progress after a cancel (by the merchant, or because the customer or the card went away). */
export function canceledProgress(progress: ScheduleProgress, reason: CancellationReason): ScheduleProgress {
  return { ...progress, status: move(progress.status, 'canceled'), nextChargeAt: null, cancellationReason: reason };
}

function move(from: ScheduleStatus, to: ScheduleStatus): ScheduleStatus {
  if (!canMoveSchedule(from, to)) throw new Error(`a schedule cannot move from ${from} to ${to}`);
  return to;
}
