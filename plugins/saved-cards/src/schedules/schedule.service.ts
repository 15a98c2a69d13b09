import { MerchantContext, MerchantMail, Queryable, TenderError, Transaction, inTransaction, lockRowsForCluster, notFound } from '@tender/core';
import { isExpired } from '../cards/saved-card';
import { Customer } from '../customers/customer';
import { recordEvent } from '../events/saved-cards-events';
import { SavedCardsDeps } from '../saved-cards-deps';
import { compareDates, dateIn, formatCalendarDate, parseCalendarDate } from './schedule-calendar';
import { CreateScheduleInput, ListChargesInput, ListSchedulesInput } from './schedule-input';
import { ScheduleEventType, ScheduleTerms, canceledProgress, initialProgress } from './schedule-progress';
import { CancellationReason, isLive } from './schedule-state';
import { Schedule, ScheduleChargeView, ScheduleView, scheduleChargeView, scheduleView } from './schedule';
import { ScheduleRepository } from './schedule.repository';

/** How far ahead a schedule may start. */
const MAX_START_AHEAD_DAYS = 366;

/**
 * Schedules as the merchant API sees them: create (every check before anything is
 * written), read, list, history, cancel. Each change commits with its event.
 *
 * @example
 * ```ts
 * const s = await schedules.create(ctx, { customer: 'cus_...', payment_method: 'pm_...', amount: 99000, currency: 'RUB', interval: 'month', interval_count: 1, start_date: '2027-01-31' });
 * await schedules.cancel(ctx, s.id);
 * ```
 */
export class ScheduleService {
  constructor(
    private readonly deps: SavedCardsDeps,
    private readonly repository: ScheduleRepository,
    private readonly merchantMail: () => MerchantMail,
  ) {}

  /**
   * Refused with nothing written: an unknown, erased or other merchant's customer or
   * card (404), a card of another customer (payment_method_customer_mismatch), an
   * expired card (payment_method_expired), a card saved for one-click only
   * (payment_method_off_session_not_allowed), a start date in the past or more than
   * a year ahead in the merchant's time zone (parameter_invalid).
   */
  async create(ctx: MerchantContext, input: CreateScheduleInput): Promise<ScheduleView> {
    const now = this.deps.core.clock.now();
    return inTransaction(this.deps.core.database, async (trx) => {
      const customer = await this.deps.customers.find(trx, ctx, input.customer, { forUpdate: true });
      if (customer === undefined) throw notFound('customer', input.customer);
      // Erasure writes the customer row; writing it here too makes an erasure on another
      // Galera node conflict with this schedule (one of them re-runs and sees the other),
      // where FOR UPDATE alone would let a live schedule outlive its erased customer.
      await lockRowsForCluster(trx, trx('customers').where({ id: customer.id, merchant_id: ctx.merchantId, livemode: ctx.livemode }), 'updated_at');
      const card = await this.deps.cards.find(trx, ctx, input.payment_method);
      if (card === undefined || card.vaultId === null) throw notFound('payment_method', input.payment_method);
      if (card.customerId !== customer.id)
        throw new TenderError('payment_method_customer_mismatch', {
          param: 'payment_method',
          message: `The saved card ${card.id} belongs to another customer.`,
        });
      if (isExpired(card, now))
        throw new TenderError('payment_method_expired', {
          param: 'payment_method',
          message: `The saved card ${card.id} expired at the end of ${String(card.expMonth).padStart(2, '0')}/${card.expYear}.`,
        });
      if (card.usage !== 'off_session')
        throw new TenderError('payment_method_off_session_not_allowed', {
          param: 'payment_method',
          message: `The saved card ${card.id} was saved for payments with the buyer present only; a schedule charges it without them.`,
        });
      const merchant = await this.merchantMail().merchant(trx, ctx.merchantId);
      const timeZone = merchant?.timeZone ?? this.deps.core.config.notifications.timeZone;
      const terms = termsOf(input, timeZone);
      const today = dateIn(now, timeZone);
      if (compareDates(terms.cadence.anchor, today) < 0)
        throw new TenderError('parameter_invalid', {
          param: 'start_date',
          message: `must be today or later (today is ${formatCalendarDate(today)} in ${timeZone}).`,
        });
      const latest = dateIn(now + MAX_START_AHEAD_DAYS * 86_400_000, timeZone);
      if (compareDates(terms.cadence.anchor, latest) > 0)
        throw new TenderError('parameter_invalid', { param: 'start_date', message: 'must be at most a year ahead.' });
      const schedule = await this.repository.insert(
        trx,
        ctx,
        {
          customerId: customer.id,
          paymentMethodId: card.id,
          amount: input.amount,
          currency: input.currency,
          terms,
          locale: input.locale ?? null,
          description: input.description ?? null,
          metadata: input.metadata,
        },
        initialProgress(terms),
        now,
      );
      const view = scheduleView(schedule);
      await this.record(trx, schedule, 'schedule.created', view);
      return view;
    });
  }

  async retrieve(ctx: MerchantContext, id: string): Promise<ScheduleView> {
    return scheduleView(await this.existing(this.deps.core.database, ctx, id));
  }

  async list(ctx: MerchantContext, query: ListSchedulesInput): Promise<{ object: 'list'; data: ScheduleView[]; has_more: boolean }> {
    const page = await this.repository.list(this.deps.core.database, ctx, {
      customer: query.customer,
      status: query.status,
      limit: query.limit,
      startingAfter: query.starting_after,
    });
    if (page === undefined) throw new TenderError('parameter_invalid', { param: 'starting_after', message: 'starting_after names no schedule of yours.' });
    return { object: 'list', data: page.schedules.map(scheduleView), has_more: page.hasMore };
  }

  /** The schedule's attempts, oldest first: one per period, more where a soft decline was retried. */
  async charges(ctx: MerchantContext, id: string, query: ListChargesInput): Promise<{ object: 'list'; data: ScheduleChargeView[]; has_more: boolean }> {
    const db = this.deps.core.database;
    const schedule = await this.existing(db, ctx, id);
    const page = await this.repository.charges(db, schedule, { limit: query.limit, startingAfter: query.starting_after });
    if (page === undefined)
      throw new TenderError('parameter_invalid', { param: 'starting_after', message: 'starting_after names no charge of this schedule.' });
    return { object: 'list', data: page.charges.map(scheduleChargeView), has_more: page.hasMore };
  }

  /**
   * Stops the schedule: nothing more is charged. An attempt already at the bank ends
   * as it ends (its payment stands) but moves the schedule no further. A schedule
   * that is canceled or completed answers `schedule_not_active`.
   */
  async cancel(ctx: MerchantContext, id: string): Promise<ScheduleView> {
    return inTransaction(this.deps.core.database, async (trx) => {
      const schedule = await this.existing(trx, ctx, id, true);
      if (!isLive(schedule.status))
        throw new TenderError('schedule_not_active', { message: `The schedule ${id} is ${schedule.status}; nothing more will be charged.` });
      return this.stop(trx, schedule, 'requested', this.deps.core.clock.now());
    });
  }

  /** Customer erasure: the customer's live schedules are canceled in the erasure's transaction. */
  async cancelAllFor(trx: Transaction, ctx: MerchantContext, customer: Customer, now: number): Promise<void> {
    for (const schedule of await this.repository.liveForCustomer(trx, ctx, customer.id)) await this.stop(trx, schedule, 'customer_deleted', now);
  }

  /** The customer's schedules and their charges (the data subject's copy). */
  async exportFor(trx: Transaction, ctx: MerchantContext, customer: Customer): Promise<unknown> {
    const out: Array<ScheduleView & { charges: ScheduleChargeView[] }> = [];
    for (const schedule of await this.repository.allForCustomer(trx, ctx, customer.id)) {
      const charges: ScheduleChargeView[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await this.repository.charges(trx, schedule, { limit: 100, startingAfter: after });
        if (page === undefined) break;
        charges.push(...page.charges.map(scheduleChargeView));
        if (!page.hasMore) break;
        after = page.charges[page.charges.length - 1]?.id;
      }
      out.push({ ...scheduleView(schedule), charges });
    }
    return out;
  }

  private async stop(trx: Transaction, schedule: Schedule, reason: CancellationReason, now: number): Promise<ScheduleView> {
    const progress = canceledProgress(schedule, reason);
    // A claim stays: an attempt already at the bank finishes and is recorded by its process (or by a takeover after its lease).
    await this.repository.saveProgress(trx, schedule, progress, now, { canceled_at: now });
    const view = scheduleView({ ...schedule, ...progress, canceledAt: now, updatedAt: now });
    await this.record(trx, schedule, 'schedule.canceled', view);
    return view;
  }

  private async existing(q: Queryable, ctx: MerchantContext, id: string, lock = false): Promise<Schedule> {
    const schedule = await this.repository.find(q, ctx, id, { forUpdate: lock });
    if (schedule === undefined) throw notFound('schedule', id);
    return schedule;
  }

  private async record(trx: Queryable, schedule: Schedule, type: ScheduleEventType, view: ScheduleView): Promise<void> {
    await recordEvent(this.deps.core.events, trx, {
      merchantId: schedule.merchantId,
      livemode: schedule.livemode,
      type,
      objectType: 'schedule',
      objectId: schedule.id,
      data: view,
    });
  }
}

function termsOf(input: CreateScheduleInput, timeZone: string): ScheduleTerms {
  const anchor = parseCalendarDate(input.start_date);
  if (anchor === undefined) throw new TenderError('parameter_invalid', { param: 'start_date' });
  const endDate = input.end_date === undefined ? null : (parseCalendarDate(input.end_date) ?? null);
  return { cadence: { interval: input.interval, intervalCount: input.interval_count, anchor }, count: input.count ?? null, endDate, timeZone };
}
