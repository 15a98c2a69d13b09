import { MerchantMail, PluginContext, routerOnFirstRequest } from '@tender/core';
import { SavedCardsDeps } from '../saved-cards-deps';
import { parseRetryDays } from './retry-policy';
import { ScheduleCharger } from './schedule-charger';
import { SCHEDULE_EMAILS, SCHEDULE_EMAIL_DIR, ScheduleMail } from './schedule-mail';
import { ScheduleRepository } from './schedule.repository';
import { ScheduleService } from './schedule.service';
import { scheduleRoutes } from './schedules.routes';

/** The schedules' options, read from the plugin's. */
export interface ScheduleOptions {
  readonly retryDays: string;
  readonly upcomingNoticeDays: number;
}

/** Core's standard waits for the charger, in the gateway's clock. */
const LEASE_MS = 10 * 60_000;
const DEFER_MS = 6 * 3_600_000;

/**
 * Everything the schedules add to the plugin (called once from its setup): the API
 * routes, the charger's background job, the customer e-mails, and the schedules'
 * part of customer erasure (live schedules canceled) and export. The event types are
 * registered with the plugin's others (SAVED_CARDS_EVENT_TYPES).
 *
 * The charger runs in every process that runs background jobs (`tender start`,
 * `tender worker`), a `parallel` job of the JobScheduler: claims in the database keep
 * them from charging a period twice.
 * It looks for due charges as often as the outbox dispatchers poll
 * (TENDER_NOTIFY_POLL_MS, default 1 s).
 *
 * @example
 * ```ts
 * setup(ctx) { const deps = savedCardsDeps(ctx.core, ctx.options); registerSchedules(ctx, deps); }
 * ```
 */
export function registerSchedules(ctx: PluginContext<ScheduleOptions>, deps: SavedCardsDeps): ScheduleService {
  // A bad retryDays stops the start here, with the option named.
  let retryDays: readonly number[];
  try {
    retryDays = parseRetryDays(ctx.options.retryDays);
  } catch (error) {
    throw new Error(`plugin ${ctx.plugin.name}: option retryDays: ${error instanceof Error ? error.message : String(error)}`);
  }
  const repository = new ScheduleRepository();
  const merchantMail = (): MerchantMail => ctx.resolve(MerchantMail);
  const schedules = new ScheduleService(deps, repository, merchantMail);
  const mail = new ScheduleMail(() => deps.core.emails, merchantMail);
  const charger = new ScheduleCharger(deps, repository, mail, {
    retryDays,
    upcomingNoticeDays: ctx.options.upcomingNoticeDays,
    leaseMs: LEASE_MS,
    recheckMs: 60_000,
    deferMs: DEFER_MS,
    batch: 50,
  });

  ctx.registerApiRoutes(
    '/',
    routerOnFirstRequest(() => scheduleRoutes(ctx, schedules)),
  );
  for (const name of Object.values(SCHEDULE_EMAILS)) ctx.registerEmailTemplate({ name, dir: SCHEDULE_EMAIL_DIR });
  // Parallel: the charger claims each schedule with its own lease, so more processes charge more at once.
  ctx.registerBackgroundJob(
    ctx.core.scheduler.job({
      name: 'saved-cards-schedules',
      intervalMs: deps.core.config.notifications.pollIntervalMs,
      concurrency: 'parallel',
      run: async () => {
        await charger.runOnce();
      },
    }),
  );
  deps.hooks.add({
    name: 'schedules',
    erase: (trx, mctx, customer, now) => schedules.cancelAllFor(trx, mctx, customer, now),
    export: (trx, mctx, customer) => schedules.exportFor(trx, mctx, customer),
  });
  return schedules;
}
