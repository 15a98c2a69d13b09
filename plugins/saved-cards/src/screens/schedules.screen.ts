import { ScreenDescriptor, ScreenRequest, ScreenSubmission, ScreenSubmitResult, formatAmount, notFound } from '@tender/core';
import { ScheduleScreenSource, ScreenSchedule } from './screen-sources';
import { SavedCardScreenViews } from './screen-views';
import { idOf, linkWith, periodOf, scopeOf, shownTime } from './screen-format';

const PAGE_SIZE = 50;
const STATUSES = ['active', 'past_due', 'canceled', 'completed'] as const;

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

async function renderSchedules(schedules: ScheduleScreenSource, views: SavedCardScreenViews, { viewer, query, csrfToken }: ScreenRequest, notice: Notice): Promise<string> {
  const ctx = scopeOf(viewer);
  if (query.id !== undefined) {
    const id = idOf(query.id, 'sch');
    const schedule = id === undefined ? undefined : await schedules.find(ctx, id);
    if (schedule === undefined) throw notFound('schedule', query.id);
    const shown = { schedule, amount: formatAmount(schedule.amount, schedule.currency, viewer.locale), every: periodOf(schedule), next: shownTime(schedule.next_charge_at), created: shownTime(schedule.created_at) };
    const cancelable = schedule.status === 'active' || schedule.status === 'past_due';
    if (query.cancel !== undefined && cancelable) return views.render('schedule-cancel-confirm', { ...shown, csrf: csrfToken });
    const charges = await schedules.charges(ctx, schedule.id);
    return views.render('schedule', {
      ...shown,
      canCancel: cancelable,
      charges: charges.map((c) => ({ id: c.id, period: c.period, retry: c.attempt === 0 ? undefined : c.attempt, status: c.status, payment: c.payment, failure_code: c.failure_code ?? undefined, failure_message: c.failure_message ?? undefined, due: shownTime(c.due_at) })),
      ...(query.canceled === '1' ? { done: 'The schedule was canceled; no further charge will be made.' } : {}),
      ...notice,
    });
  }
  const status = STATUSES.find((s) => s === query.status);
  const after = idOf(query.after, 'sch');
  const page = await schedules.list(ctx, { limit: PAGE_SIZE, ...(status === undefined ? {} : { status }), ...(after === undefined ? {} : { startingAfter: after }) });
  const last = page.data[page.data.length - 1];
  return views.render('schedules', {
    statuses: STATUSES.map((value) => ({ value, selected: value === status })),
    schedules: page.data.map((s) => scheduleRow(s, viewer.locale)),
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
  const problem = (text: string, status: number): Promise<ScreenSubmitResult> => renderSchedules(schedules, views, { ...submission, query: { id: schedule.id } }, { problem: text }).then((html) => ({ html, status }));
  if (form.action !== 'cancel') return problem('Nothing was changed: the form was not understood.', 400);
  // A second post (a double click, a reload) finds it canceled already: nothing to do, the same answer.
  if (schedule.status === 'canceled') return { query: { id: schedule.id, canceled: '1' } };
  if (schedule.status === 'completed') return problem('Nothing was changed: the schedule has completed.', 409);
  if (!(await schedules.cancel(ctx, schedule.id))) throw notFound('schedule', schedule.id);
  return { query: { id: schedule.id, canceled: '1' } };
}

function scheduleRow(s: ScreenSchedule, locale: string): Record<string, unknown> {
  return { id: s.id, customer: s.customer, description: s.description ?? undefined, amount: formatAmount(s.amount, s.currency, locale), every: periodOf(s), status: s.status, next: shownTime(s.next_charge_at), charges_made: s.charges_made };
}
