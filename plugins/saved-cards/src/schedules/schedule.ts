import { CalendarDate, ScheduleInterval, formatCalendarDate, parseCalendarDate } from './schedule-calendar';
import { ScheduleProgress, ScheduleTerms } from './schedule-progress';
import { CancellationReason, ScheduleStatus, isScheduleStatus } from './schedule-state';

/** A merchant's standing order to charge a customer's saved card (one row of `charge_schedules`). */
export interface Schedule extends ScheduleProgress {
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly customerId: string;
  readonly paymentMethodId: string;
  readonly amount: number;
  readonly currency: string;
  readonly terms: ScheduleTerms;
  readonly locale: string | null;
  readonly description: string | null;
  readonly metadata: Record<string, string>;
  readonly upcomingNoticedPeriod: number;
  readonly canceledAt: number | null;
  readonly completedAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One attempt to charge one period (a row of `schedule_charges`). */
export interface ScheduleCharge {
  readonly id: string;
  readonly scheduleId: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly periodIndex: number;
  readonly attempt: number;
  readonly dueAt: number;
  readonly status: 'processing' | 'succeeded' | 'failed';
  readonly paymentId: string | null;
  readonly failureCode: string | null;
  readonly failureMessage: string | null;
  readonly createdAt: number;
  readonly finishedAt: number | null;
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function date(v: unknown): CalendarDate {
  const parsed = parseCalendarDate(String(v));
  if (parsed === undefined) throw new Error(`charge_schedules holds an unreadable date '${String(v)}'`);
  return parsed;
}

export function scheduleFromRow(row: Record<string, unknown>): Schedule {
  const status = String(row.status);
  if (!isScheduleStatus(status)) throw new Error(`charge_schedules holds an unknown status '${status}'`);
  return {
    id: String(row.id),
    merchantId: String(row.merchant_id),
    livemode: Boolean(row.livemode),
    customerId: String(row.customer_id),
    paymentMethodId: String(row.payment_method_id),
    amount: Number(row.amount),
    currency: String(row.currency),
    terms: {
      cadence: { interval: String(row.interval_unit) as ScheduleInterval, intervalCount: Number(row.interval_count), anchor: date(row.start_date) },
      count: num(row.count),
      endDate: row.end_date === null || row.end_date === undefined ? null : date(row.end_date),
      timeZone: String(row.time_zone),
    },
    locale: text(row.locale),
    description: text(row.description),
    metadata: row.metadata === null || row.metadata === undefined ? {} : (JSON.parse(String(row.metadata)) as Record<string, string>),
    status: status,
    chargesMade: Number(row.charges_made),
    nextPeriod: Number(row.next_period),
    nextAttempt: Number(row.next_attempt),
    nextChargeAt: num(row.next_charge_at),
    cancellationReason: text(row.cancellation_reason) as CancellationReason | null,
    upcomingNoticedPeriod: Number(row.upcoming_noticed_period),
    canceledAt: num(row.canceled_at),
    completedAt: num(row.completed_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function scheduleChargeFromRow(row: Record<string, unknown>): ScheduleCharge {
  return {
    id: String(row.id),
    scheduleId: String(row.schedule_id),
    merchantId: String(row.merchant_id),
    livemode: Boolean(row.livemode),
    periodIndex: Number(row.period_index),
    attempt: Number(row.attempt),
    dueAt: Number(row.due_at),
    status: String(row.status) as ScheduleCharge['status'],
    paymentId: text(row.payment_id),
    failureCode: text(row.failure_code),
    failureMessage: text(row.failure_message),
    createdAt: Number(row.created_at),
    finishedAt: num(row.finished_at),
  };
}

/** The columns a schedule's progress is stored in. */
export function progressColumns(p: ScheduleProgress): Record<string, unknown> {
  return {
    status: p.status,
    charges_made: p.chargesMade,
    next_period: p.nextPeriod,
    next_attempt: p.nextAttempt,
    next_charge_at: p.nextChargeAt,
    cancellation_reason: p.cancellationReason,
  };
}

/** The schedule in its API form. Periods are numbered from 1 there (and in the payments' order ids). */
export interface ScheduleView {
  readonly id: string;
  readonly object: 'schedule';
  readonly customer: string;
  readonly payment_method: string;
  readonly amount: number;
  readonly currency: string;
  readonly interval: ScheduleInterval;
  readonly interval_count: number;
  readonly count: number | null;
  readonly start_date: string;
  readonly end_date: string | null;
  readonly time_zone: string;
  readonly locale: string | null;
  readonly description: string | null;
  readonly metadata: Record<string, string>;
  readonly status: ScheduleStatus;
  readonly charges_made: number;
  /** The period the next charge is for (1-based); null once the schedule is final. */
  readonly next_period: number | null;
  /** 0 for the charge on its date, 1.. for retries. */
  readonly next_attempt: number | null;
  readonly next_charge_at: string | null;
  readonly cancellation_reason: CancellationReason | null;
  readonly canceled_at: string | null;
  readonly completed_at: string | null;
  readonly livemode: boolean;
  readonly created_at: string;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * @example
 * ```ts
 * scheduleView(s); // { id: 'sch_...', object: 'schedule', status: 'active', next_charge_at: '2027-01-31T00:00:00.000Z', charges_made: 0, ... }
 * ```
 */
export function scheduleView(s: Schedule): ScheduleView {
  const live = s.status === 'active' || s.status === 'past_due';
  return {
    id: s.id,
    object: 'schedule',
    customer: s.customerId,
    payment_method: s.paymentMethodId,
    amount: s.amount,
    currency: s.currency,
    interval: s.terms.cadence.interval,
    interval_count: s.terms.cadence.intervalCount,
    count: s.terms.count,
    start_date: formatCalendarDate(s.terms.cadence.anchor),
    end_date: s.terms.endDate === null ? null : formatCalendarDate(s.terms.endDate),
    time_zone: s.terms.timeZone,
    locale: s.locale,
    description: s.description,
    metadata: s.metadata,
    status: s.status,
    charges_made: s.chargesMade,
    next_period: live ? s.nextPeriod + 1 : null,
    next_attempt: live ? s.nextAttempt : null,
    next_charge_at: live ? iso(s.nextChargeAt) : null,
    cancellation_reason: s.cancellationReason,
    canceled_at: iso(s.canceledAt),
    completed_at: iso(s.completedAt),
    livemode: s.livemode,
    created_at: new Date(s.createdAt).toISOString(),
  };
}

/** One attempt in the schedule's history (`GET /v1/schedules/:id/charges`). */
export interface ScheduleChargeView {
  readonly id: string;
  readonly object: 'schedule_charge';
  readonly schedule: string;
  readonly period: number;
  readonly attempt: number;
  readonly status: ScheduleCharge['status'];
  readonly payment: string | null;
  readonly failure_code: string | null;
  readonly failure_message: string | null;
  readonly due_at: string;
  readonly created_at: string;
  readonly finished_at: string | null;
}

export function scheduleChargeView(c: ScheduleCharge): ScheduleChargeView {
  return {
    id: c.id,
    object: 'schedule_charge',
    schedule: c.scheduleId,
    period: c.periodIndex + 1,
    attempt: c.attempt,
    status: c.status,
    payment: c.paymentId,
    failure_code: c.failureCode,
    failure_message: c.failureMessage,
    due_at: new Date(c.dueAt).toISOString(),
    created_at: new Date(c.createdAt).toISOString(),
    finished_at: iso(c.finishedAt),
  };
}
