import assert from 'node:assert/strict';
import { parseCalendarDate } from '@tender/plugin-saved-cards/dist/schedules/schedule-calendar';
import {
  ScheduleProgress,
  ScheduleTerms,
  afterCharge,
  canceledProgress,
  hasPeriod,
  initialProgress,
  periodDueAt,
} from '@tender/plugin-saved-cards/dist/schedules/schedule-progress';
import { SCHEDULE_STATUSES, canMoveSchedule } from '@tender/plugin-saved-cards/dist/schedules/schedule-state';
import { upcomingNoticeDue } from '@tender/plugin-saved-cards/dist/schedules/upcoming-notice';

const DAY = 86_400_000;
const date = (text: string) => parseCalendarDate(text)!;
const monthly = (extra: Partial<ScheduleTerms> = {}): ScheduleTerms => ({
  cadence: { interval: 'month', intervalCount: 1, anchor: date('2027-01-31') },
  count: null,
  endDate: null,
  timeZone: 'UTC',
  ...extra,
});
const RETRIES = [1, 3, 5];

describe('schedule state machine', () => {
  it('moves only along its arrows; canceled and completed are final', () => {
    const allowed = SCHEDULE_STATUSES.flatMap((from) =>
      SCHEDULE_STATUSES.filter((to) => from !== to && canMoveSchedule(from, to)).map((to) => `${from}->${to}`),
    );
    assert.deepEqual(allowed, ['active->past_due', 'active->canceled', 'active->completed', 'past_due->active', 'past_due->canceled', 'past_due->completed']);
    assert.equal(canMoveSchedule('canceled', 'canceled'), false);
    assert.throws(() => canceledProgress({ ...initialProgress(monthly()), status: 'completed' }, 'requested'));
  });
});

describe('schedule progress', () => {
  it('ends after count periods or on the end date (inclusive)', () => {
    assert.equal(hasPeriod(monthly({ count: 3 }), 2), true);
    assert.equal(hasPeriod(monthly({ count: 3 }), 3), false);
    assert.equal(hasPeriod(monthly({ endDate: date('2027-03-31') }), 2), true);
    assert.equal(hasPeriod(monthly({ endDate: date('2027-03-30') }), 2), false);
    assert.equal(hasPeriod(monthly(), 10_000), true);
  });

  it('a success moves to the next period; the last one completes', () => {
    const terms = monthly({ count: 2 });
    const start = initialProgress(terms);
    assert.equal(start.nextChargeAt, Date.UTC(2027, 0, 31));
    const one = afterCharge(terms, start, { kind: 'succeeded' }, RETRIES, Date.UTC(2027, 0, 31));
    assert.deepEqual(one.events, ['schedule.charge_succeeded']);
    assert.deepEqual(one.progress, {
      status: 'active',
      nextPeriod: 1,
      nextAttempt: 0,
      nextChargeAt: Date.UTC(2027, 1, 28),
      chargesMade: 1,
      cancellationReason: null,
    });
    const two = afterCharge(terms, one.progress, { kind: 'succeeded' }, RETRIES, Date.UTC(2027, 1, 28));
    assert.deepEqual(two.events, ['schedule.charge_succeeded', 'schedule.completed']);
    assert.equal(two.progress.status, 'completed');
    assert.equal(two.progress.nextChargeAt, null);
    assert.equal(two.progress.chargesMade, 2);
  });

  it('soft declines go past due with retries 1, 3, 5 days after the date, then the schedule is canceled', () => {
    const terms = monthly();
    const due = periodDueAt(terms, 0);
    let p: ScheduleProgress = initialProgress(terms);
    const first = afterCharge(terms, p, { kind: 'failed', code: 'insufficient_funds' }, RETRIES, due);
    assert.deepEqual(first.events, ['schedule.charge_failed', 'schedule.past_due', 'schedule.retry_scheduled']);
    assert.equal(first.progress.status, 'past_due');
    assert.deepEqual(first.retry, { attempt: 1, at: due + DAY });
    p = first.progress;
    const second = afterCharge(terms, p, { kind: 'failed', code: 'insufficient_funds' }, RETRIES, due + DAY);
    assert.deepEqual(second.events, ['schedule.charge_failed', 'schedule.retry_scheduled']);
    assert.deepEqual(second.retry, { attempt: 2, at: due + 3 * DAY });
    const third = afterCharge(terms, second.progress, { kind: 'failed', code: 'insufficient_funds' }, RETRIES, due + 3 * DAY);
    assert.deepEqual(third.retry, { attempt: 3, at: due + 5 * DAY });
    const last = afterCharge(terms, third.progress, { kind: 'failed', code: 'insufficient_funds' }, RETRIES, due + 5 * DAY);
    assert.deepEqual(last.events, ['schedule.charge_failed', 'schedule.canceled']);
    assert.equal(last.progress.status, 'canceled');
    assert.equal(last.progress.cancellationReason, 'retries_exhausted');
    assert.equal(last.progress.chargesMade, 0);
  });

  it("a retry that succeeds makes the schedule active again, on the next period's own date", () => {
    const terms = monthly();
    const due = periodDueAt(terms, 0);
    const failed = afterCharge(terms, initialProgress(terms), { kind: 'failed', code: 'insufficient_funds' }, RETRIES, due);
    const recovered = afterCharge(terms, failed.progress, { kind: 'succeeded' }, RETRIES, due + DAY);
    assert.equal(recovered.progress.status, 'active');
    assert.equal(recovered.progress.nextAttempt, 0);
    assert.equal(recovered.progress.nextChargeAt, Date.UTC(2027, 1, 28));
  });

  it('a hard decline stops at once', () => {
    const terms = monthly();
    const step = afterCharge(terms, initialProgress(terms), { kind: 'failed', code: 'do_not_honor' }, RETRIES, periodDueAt(terms, 0));
    assert.deepEqual(step.events, ['schedule.charge_failed', 'schedule.canceled']);
    assert.equal(step.progress.cancellationReason, 'hard_decline');
    assert.equal(step.retry, undefined);
  });

  it('a period charged late does not spend its retries in consecutive rounds', () => {
    const terms = monthly();
    const due = periodDueAt(terms, 0);
    const late = due + 4 * DAY;
    const step = afterCharge(terms, initialProgress(terms), { kind: 'failed', code: 'insufficient_funds' }, RETRIES, late);
    assert.equal(step.retry?.at, late + DAY);
    const next = afterCharge(terms, step.progress, { kind: 'failed', code: 'insufficient_funds' }, RETRIES, late + DAY);
    assert.equal(next.retry?.at, late + 3 * DAY);
  });

  it("charges at midnight in the schedule's zone", () => {
    assert.equal(periodDueAt(monthly({ timeZone: 'Europe/Moscow' }), 1), Date.UTC(2027, 1, 27, 21));
  });
});

describe('upcoming charge notice', () => {
  const terms = monthly();
  const p = { ...initialProgress(terms), nextPeriod: 1, nextChargeAt: periodDueAt(terms, 1) };
  const due = p.nextChargeAt;

  it('is due N days before the charge, once per period, not for retries', () => {
    assert.equal(upcomingNoticeDue(terms, p, 3, 0, 0, due - 3 * DAY - 1), false);
    assert.equal(upcomingNoticeDue(terms, p, 3, 0, 0, due - 3 * DAY), true);
    assert.equal(upcomingNoticeDue(terms, p, 3, 0, 1, due - DAY), false, 'already sent for this period');
    assert.equal(upcomingNoticeDue(terms, p, 3, 0, 0, due), false, 'too late');
    assert.equal(upcomingNoticeDue(terms, { ...p, status: 'past_due', nextAttempt: 1 }, 3, 0, 0, due - DAY), false);
    assert.equal(upcomingNoticeDue(terms, p, 0, 0, 0, due - DAY), false, '0 turns it off');
  });

  it('is not sent for periods shorter than the notice, nor for a first charge announced too late', () => {
    const daily: ScheduleTerms = { ...terms, cadence: { interval: 'day', intervalCount: 1, anchor: date('2027-01-01') } };
    const dp = { ...initialProgress(daily), nextPeriod: 5, nextChargeAt: periodDueAt(daily, 5) };
    assert.equal(upcomingNoticeDue(daily, dp, 3, 0, 4, dp.nextChargeAt - DAY), false);
    const first = initialProgress(terms);
    assert.equal(upcomingNoticeDue(terms, first, 3, first.nextChargeAt! - 10 * DAY, -1, first.nextChargeAt! - 3 * DAY), true);
    assert.equal(upcomingNoticeDue(terms, first, 3, first.nextChargeAt! - DAY, -1, first.nextChargeAt! - DAY / 2), false);
  });
});
