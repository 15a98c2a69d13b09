import { PluginContext } from '@tender/core';
import { customersScreen } from './customers.screen';
import { schedulesScreen } from './schedules.screen';
import { CustomerScreenSource, ScheduleScreenSource } from './screen-sources';
import { SavedCardScreenViews } from './screen-views';

export {
  CustomerScreenSource,
  ScheduleScreenSource,
  SavedCardScreenSources,
  ScreenCustomer,
  ScreenPaymentMethod,
  ScreenSchedule,
  ScreenScheduleCharge,
  ScreenPage,
} from './screen-sources';
export { SavedCardScreenViews, SCREEN_TEMPLATES_DIR } from './screen-views';
export { customerScreenSource } from './customer-screen-source';
export { scheduleScreenSource } from './schedule-screen-source';

/**
 * What the screens read through: functions that return the sources, called at
 * request time (the services behind them are built in the start phase, after the
 * screens are registered). Without `schedules` there is no schedules screen.
 */
export interface SavedCardScreenWiring {
  readonly customers: () => CustomerScreenSource;
  readonly schedules?: () => ScheduleScreenSource;
}

/**
 * Registers the saved-cards screens of the merchant dashboard: `/dashboard/customers`
 * (customers, their saved cards with consent, deleting a card) and
 * `/dashboard/schedules` (schedules with the next charge, history, canceling). The
 * templates (templates/screens) are compiled here, so a broken one stops the start.
 *
 * @example
 * ```ts
 * registerSavedCardScreens(ctx, { customers: () => ctx.resolve(CustomerScreens), schedules: () => ctx.resolve(ScheduleScreens) });
 * ```
 */
export function registerSavedCardScreens(ctx: PluginContext, wiring: SavedCardScreenWiring): void {
  const views = new SavedCardScreenViews();
  const schedules = wiring.schedules;
  const sources = () => ({ customers: wiring.customers(), ...(schedules === undefined ? {} : { schedules: schedules() }) });
  ctx.registerScreen(customersScreen(sources, views, () => ctx.core.clock.now()));
  if (schedules !== undefined) ctx.registerScreen(schedulesScreen(schedules, views));
}
