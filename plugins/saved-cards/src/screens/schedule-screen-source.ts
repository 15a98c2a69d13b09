import { ScheduleService } from '../schedules/schedule.service';
import { ScheduleScreenSource, ScreenScheduleCharge } from './screen-sources';
import { orMissing } from './screen-format';

/** The most history rows the schedule page shows (a schedule of 13 monthly periods with retries fits many times over). */
const HISTORY_LIMIT = 100;

/**
 * The schedules screen's source over the schedules' own service (the one behind
 * /v1/schedules): the same scoping, views and events (`schedule.canceled`) as the
 * API. A missing or foreign schedule is `undefined` / `false` here (the screen's 404).
 *
 * @example
 * ```ts
 * registerSavedCardScreens(ctx, { customers: ..., schedules: () => scheduleScreenSource(schedules) });
 * ```
 */
export function scheduleScreenSource(schedules: ScheduleService): ScheduleScreenSource {
  return {
    list: async (ctx, filter) => {
      const status =
        filter.status === 'active' || filter.status === 'past_due' || filter.status === 'canceled' || filter.status === 'completed' ? filter.status : undefined;
      const page = await schedules.list(ctx, {
        limit: filter.limit,
        ...(filter.customer === undefined ? {} : { customer: filter.customer }),
        ...(status === undefined ? {} : { status }),
        ...(filter.startingAfter === undefined ? {} : { starting_after: filter.startingAfter }),
      });
      return { data: page.data, hasMore: page.has_more };
    },
    find: (ctx, id) => orMissing(schedules.retrieve(ctx, id), undefined),
    charges: async (ctx, id): Promise<readonly ScreenScheduleCharge[]> => (await schedules.charges(ctx, id, { limit: HISTORY_LIMIT })).data,
    cancel: (ctx, id) =>
      orMissing(
        schedules.cancel(ctx, id).then(() => true),
        false,
      ),
  };
}
