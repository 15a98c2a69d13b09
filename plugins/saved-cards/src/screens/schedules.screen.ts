import { ScreenDescriptor, ScreenRequest, ScreenSubmission, ScreenSubmitResult, formatAmount, notFound } from '@tender/core';
import { ScheduleScreenSource, ScreenSchedule } from './screen-sources';
import { SavedCardScreenViews } from './screen-views';
import { idOf, linkWith, scopeOf, shownTime } from './screen-format';
import { ScreenLocale, ScreenMessages } from './screen-messages';

const PAGE_SIZE = 50;
const STATUSES = ['active', 'past_due', 'canceled', 'completed'] as const;
const INTERVALS = ['day', 'week', 'month', 'year'] as const;
const CHARGE_STATUSES: readonly string[] = ['processing', 'succeeded', 'failed'];

/** What the detail page shows after a post. */
type Notice = { readonly done?: string; readonly problem?: string };

/**
 * The merchant's schedules in the dashboard (`/dashboard/schedules`, every merchant
 * role, the mode the dashboard shows). Without `?id=` it lists them with the next
 * charge (`?status=` filters, `?after=` pages); with `?id=sch_...` it shows one with
 * its history (every charge, its attempts, payment and failure code). Canceling
 * takes two steps: the link opens a confirmation (`&cancel=1`), whose form posts with
 * the session's CSRF token to the schedules service (the same as
 * `POST /v1/schedules/:id/cancel`, with its event). Another merchant's schedule is a
 * 404, like an unknown one.
 *
 * @example
 * ```ts
 * ctx.registerScreen(schedulesScreen(() => schedules, new SavedCardScreenViews()));
 * ```
 */
export function schedulesScreen(source: () => ScheduleScreenSource, views: SavedCardScreenViews): ScreenDescriptor {
  return {
    area: 'dashboard',
    path: '/schedules',
    title: 'Schedules',
    render: (request) => renderSchedules(source(), views, request, {}),
    submit: (submission) => submitSchedule(source(), views, submission),
  };
}

async function renderSchedules(
  schedules: ScheduleScreenSource,
  views: SavedCardScreenViews,
  { viewer, query, csrfToken }: ScreenRequest,
  notice: Notice,
): Promise<string> {
  const ctx = scopeOf(viewer);
  const locale = ScreenMessages.localeOf(viewer.locale);
  const texts = views.messages;
  if (query.id !== undefined) {
    const id = idOf(query.id, 'sch');
    const schedule = id === undefined ? undefined : await schedules.find(ctx, id);
    if (schedule === undefined) throw notFound('schedule', query.id);
    const shown = {
      schedule,
      amount: formatAmount(schedule.amount, schedule.currency, viewer.locale),
      every: periodText(schedule, texts, locale),
      status_label: scheduleStatusText(schedule.status, texts, locale),
      next: shownTime(schedule.next_charge_at),
      created: shownTime(schedule.created_at),
    };
    const cancelable = schedule.status === 'active' || schedule.status === 'past_due';
    if (query.cancel !== undefined && cancelable) return views.render('schedule-cancel-confirm', locale, { ...shown, csrf: csrfToken });
    const charges = await schedules.charges(ctx, schedule.id);
    return views.render('schedule', locale, {
      ...shown,
      canCancel: cancelable,
      charges: charges.map((c) => ({
        id: c.id,
        period: c.period,
        retry: c.attempt === 0 ? undefined : c.attempt,
        status_label: CHARGE_STATUSES.includes(c.status) ? texts.text(locale, `schedules.charge_statuses.${c.status}`) : c.status,
        payment: c.payment,
        failure_code: c.failure_code ?? undefined,
        failure_message: c.failure_message ?? undefined,
        due: shownTime(c.due_at),
      })),
      ...(query.canceled === '1' ? { done: texts.text(locale, 'schedules.canceled') } : {}),
      ...notice,
    });
  }
  const status = STATUSES.find((s) => s === query.status);
  const after = idOf(query.after, 'sch');
  const page = await schedules.list(ctx, {
    limit: PAGE_SIZE,
    ...(status === undefined ? {} : { status }),
    ...(after === undefined ? {} : { startingAfter: after }),
  });
  const last = page.data[page.data.length - 1];
  return views.render('schedules', locale, {
    statuses: STATUSES.map((value) => ({ value, label: scheduleStatusText(value, texts, locale), selected: value === status })),
    schedules: page.data.map((s) => scheduleRow(s, texts, locale, viewer.locale)),
    firstLink: after === undefined ? undefined : linkWith('/dashboard/schedules', { status }),
    nextLink: page.hasMore && last !== undefined ? linkWith('/dashboard/schedules', { status, after: last.id }) : undefined,
  });
}

/** The confirmation's post: cancel, then show the schedule again (post, redirect, get). */
async function submitSchedule(schedules: ScheduleScreenSource, views: SavedCardScreenViews, submission: ScreenSubmission): Promise<ScreenSubmitResult> {
  const { viewer, query, form } = submission;
  const ctx = scopeOf(viewer);
  const id = idOf(query.id, 'sch');
  const schedule = id === undefined ? undefined : await schedules.find(ctx, id);
  if (schedule === undefined) throw notFound('schedule', query.id ?? '');
  const locale = ScreenMessages.localeOf(viewer.locale);
  const problem = (key: string, status: number): Promise<ScreenSubmitResult> =>
    renderSchedules(schedules, views, { ...submission, query: { id: schedule.id } }, { problem: views.messages.text(locale, key) }).then((html) => ({
      html,
      status,
    }));
  if (form.action !== 'cancel') return problem('schedules.not_understood', 400);
  // A second post (a double click, a reload) finds it canceled already: nothing to do, the same answer.
  if (schedule.status === 'canceled') return { query: { id: schedule.id, canceled: '1' } };
  if (schedule.status === 'completed') return problem('schedules.completed', 409);
  if (!(await schedules.cancel(ctx, schedule.id))) throw notFound('schedule', schedule.id);
  return { query: { id: schedule.id, canceled: '1' } };
}

function scheduleRow(s: ScreenSchedule, texts: ScreenMessages, locale: ScreenLocale, viewerLocale: string): Record<string, unknown> {
  return {
    id: s.id,
    customer: s.customer,
    description: s.description ?? undefined,
    amount: formatAmount(s.amount, s.currency, viewerLocale),
    every: periodText(s, texts, locale),
    status: s.status,
    status_label: scheduleStatusText(s.status, texts, locale),
    next: shownTime(s.next_charge_at),
    charges_made: s.charges_made,
  };
}

/** A schedule's period in words: `every month`, `every 2 weeks` (in the viewer's language). */
export function periodText(s: { readonly interval: string; readonly interval_count: number }, texts: ScreenMessages, locale: ScreenLocale): string {
  const interval = INTERVALS.find((i) => i === s.interval);
  if (interval === undefined) return `${s.interval_count} × ${s.interval}`;
  return s.interval_count === 1
    ? texts.text(locale, `schedules.every_one.${interval}`)
    : texts.text(locale, `schedules.every_many.${interval}`, { n: s.interval_count });
}

/** A schedule's status in words, for a status the screens know; else the code itself. */
export function scheduleStatusText(status: string, texts: ScreenMessages, locale: ScreenLocale): string {
  return STATUSES.some((s) => s === status) ? texts.text(locale, `schedules.statuses.${status}`) : status;
}
