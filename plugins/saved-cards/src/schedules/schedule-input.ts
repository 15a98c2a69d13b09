import { MAX_AMOUNT, currencyField, fields } from '@tender/core';
import { z } from 'zod';
import { MAX_INTERVAL_COUNT, SCHEDULE_INTERVALS, compareDates, parseCalendarDate } from './schedule-calendar';
import { SCHEDULE_STATUSES } from './schedule-state';

/** The most periods a schedule with `count` may have (a monthly one: more than 83 years). */
export const MAX_SCHEDULE_COUNT = 1000;

const calendarDate = z.string().superRefine((v, ctx) => {
  if (parseCalendarDate(v) === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a date YYYY-MM-DD that exists' });
});

/** Minor units, 1 or more: zero, negative, fractional or non-numeric amounts are `amount_invalid`, as on payments. */
const amount = z.unknown().superRefine((v, ctx) => {
  if (v === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, params: { code: 'parameter_missing' }, message: 'is required' });
  else if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0)
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      params: { code: 'amount_invalid' },
      message: 'must be a positive integer in minor units (e.g. 10050 for 100.50)',
    });
  else if (v > MAX_AMOUNT)
    ctx.addIssue({ code: z.ZodIssueCode.custom, params: { code: 'amount_too_large' }, message: `must be at most ${MAX_AMOUNT} minor units` });
}) as unknown as z.ZodType<number>;

/**
 * `POST /v1/schedules`. `count` (how many charges) and `end_date` (the last date a
 * charge may fall on) exclude each other; without either the schedule runs until
 * canceled. `start_date` is the first charge's date in the merchant's time zone.
 *
 * @example
 * ```ts
 * parseInput(createScheduleSchema, { customer: 'cus_1', payment_method: 'pm_1', amount: 99000, currency: 'RUB', interval: 'month', count: 12, start_date: '2027-01-31' });
 * ```
 */
export const createScheduleSchema = z
  .object({
    customer: fields.id('cus'),
    payment_method: fields.id('pm'),
    amount,
    currency: currencyField,
    interval: z.enum(SCHEDULE_INTERVALS),
    interval_count: fields.integer(1, 365).default(1),
    count: fields.integer(1, MAX_SCHEDULE_COUNT).optional(),
    end_date: calendarDate.optional(),
    start_date: calendarDate,
    description: fields.line(500).optional(),
    metadata: fields.metadata,
    /** The language of the customer's e-mails; default the merchant's, else the operator's. */
    locale: z.enum(['ru', 'en', 'ar']).optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    const max = MAX_INTERVAL_COUNT[input.interval];
    if (input.interval_count > max)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['interval_count'],
        message: `must be at most ${max} with interval '${input.interval}' (a period is at most a year)`,
      });
    if (input.count !== undefined && input.end_date !== undefined)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['end_date'],
        message: 'cannot be given with count: a schedule ends after count charges or on end_date',
      });
    const start = parseCalendarDate(input.start_date);
    const end = input.end_date === undefined ? undefined : parseCalendarDate(input.end_date);
    if (start !== undefined && end !== undefined && compareDates(end, start) < 0)
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['end_date'], message: 'must not be before start_date' });
  });

export type CreateScheduleInput = z.output<typeof createScheduleSchema>;

/** `GET /v1/schedules`: newest first, optionally one customer's or one status. */
export const listSchedulesSchema = z
  .object({
    customer: fields.id('cus').optional(),
    status: z.enum(SCHEDULE_STATUSES).optional(),
    limit: fields.limit,
    starting_after: fields.id('sch').optional(),
  })
  .strict();

export type ListSchedulesInput = z.output<typeof listSchedulesSchema>;

/** `GET /v1/schedules/:id/charges`: oldest first (the history in order). */
export const listChargesSchema = z
  .object({
    limit: fields.limit,
    starting_after: fields.id('schc').optional(),
  })
  .strict();

export type ListChargesInput = z.output<typeof listChargesSchema>;

/** `POST /v1/schedules/:id/cancel` takes no parameters (an empty object or no body). */
export const cancelScheduleSchema = z.object({}).strict();
