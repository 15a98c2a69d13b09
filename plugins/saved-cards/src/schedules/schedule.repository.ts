import { MerchantContext, Queryable, forUpdate, newId } from '@tender/core';
import { formatCalendarDate } from './schedule-calendar';
import { ScheduleProgress } from './schedule-progress';
import { LIVE_SCHEDULE_STATUSES, ScheduleStatus } from './schedule-state';
import { Schedule, ScheduleCharge, progressColumns, scheduleChargeFromRow, scheduleFromRow } from './schedule';

/** What creating a schedule writes, besides its progress. */
export type NewSchedule = Pick<Schedule, 'customerId' | 'paymentMethodId' | 'amount' | 'currency' | 'terms' | 'locale' | 'description'> & {
  readonly metadata: Record<string, string> | undefined;
};

/** A claim the charger holds on a schedule's next attempt. */
export interface ScheduleClaim {
  readonly owner: string;
  readonly until: number;
}

/**
 * `charge_schedules` and `schedule_charges` rows. Every read and write for a
 * merchant names its merchant and mode; the charger's scan (`dueIds`) is the one
 * query across merchants, and it returns ids only, each then read for its merchant.
 */
export class ScheduleRepository {
  async insert(q: Queryable, ctx: MerchantContext, s: NewSchedule, progress: ScheduleProgress, now: number): Promise<Schedule> {
    const id = newId('sch');
    await q('charge_schedules').insert({
      id,
      merchant_id: ctx.merchantId,
      livemode: ctx.livemode,
      customer_id: s.customerId,
      payment_method_id: s.paymentMethodId,
      amount: s.amount,
      currency: s.currency,
      interval_unit: s.terms.cadence.interval,
      interval_count: s.terms.cadence.intervalCount,
      count: s.terms.count,
      start_date: formatCalendarDate(s.terms.cadence.anchor),
      end_date: s.terms.endDate === null ? null : formatCalendarDate(s.terms.endDate),
      time_zone: s.terms.timeZone,
      locale: s.locale,
      description: s.description,
      metadata: s.metadata === undefined ? null : JSON.stringify(s.metadata),
      ...progressColumns(progress),
      created_at: now,
      updated_at: now,
    });
    const created = await this.find(q, ctx, id);
    if (created === undefined) throw new Error(`schedule ${id} vanished after insert`);
    return created;
  }

  async find(q: Queryable, ctx: MerchantContext, id: string, options: { forUpdate?: boolean } = {}): Promise<Schedule | undefined> {
    const query = q('charge_schedules').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode });
    const row = await (options.forUpdate === true ? forUpdate(q, query) : query).first();
    return row === undefined ? undefined : scheduleFromRow(row);
  }

  /** Newest first; undefined when `startingAfter` names no schedule of this merchant and mode. */
  async list(
    q: Queryable,
    ctx: MerchantContext,
    filter: { customer?: string | undefined; status?: ScheduleStatus | undefined; limit: number; startingAfter?: string | undefined },
  ): Promise<{ schedules: Schedule[]; hasMore: boolean } | undefined> {
    const query = q('charge_schedules').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode });
    if (filter.customer !== undefined) query.andWhere('customer_id', filter.customer);
    if (filter.status !== undefined) query.andWhere('status', filter.status);
    if (filter.startingAfter !== undefined) {
      const cursor = await q('charge_schedules').select('seq').where({ id: filter.startingAfter, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
      if (cursor === undefined) return undefined;
      query.andWhere('seq', '<', cursor.seq);
    }
    const rows = await query.orderBy('seq', 'desc').limit(filter.limit + 1);
    return { schedules: rows.slice(0, filter.limit).map(scheduleFromRow), hasMore: rows.length > filter.limit };
  }

  /** The customer's schedules that still charge (erasure cancels them). */
  async liveForCustomer(q: Queryable, ctx: MerchantContext, customerId: string): Promise<Schedule[]> {
    const query = q('charge_schedules')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, customer_id: customerId })
      .whereIn('status', LIVE_SCHEDULE_STATUSES);
    return (await forUpdate(q, query)).map(scheduleFromRow);
  }

  /** Every schedule of the customer, oldest first (the export). */
  async allForCustomer(q: Queryable, ctx: MerchantContext, customerId: string): Promise<Schedule[]> {
    const rows = await q('charge_schedules').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, customer_id: customerId }).orderBy('seq', 'asc');
    return rows.map(scheduleFromRow);
  }

  /** Writes the progress the schedule moved to (the caller holds the row's lock). */
  async saveProgress(q: Queryable, s: Schedule, progress: ScheduleProgress, now: number, extra: Record<string, unknown> = {}): Promise<void> {
    await q('charge_schedules')
      .where({ id: s.id, merchant_id: s.merchantId, livemode: s.livemode })
      .update({ ...progressColumns(progress), ...extra, updated_at: now });
  }

  /**
   * Ids and merchants of live schedules whose next attempt is due at `now` and that no
   * process holds (no claim, or one whose lease ran out), earliest first.
   */
  async dueIds(q: Queryable, now: number, limit: number): Promise<Array<{ id: string; ctx: MerchantContext }>> {
    const rows = await q('charge_schedules')
      .select('id', 'merchant_id', 'livemode')
      .whereIn('status', LIVE_SCHEDULE_STATUSES)
      .andWhere('next_charge_at', '<=', now)
      .andWhere((w) => void w.whereNull('lease_until').orWhere('lease_until', '<=', now))
      .orderBy('next_charge_at', 'asc')
      .limit(limit);
    return rows.map((r: Record<string, unknown>) => ({ id: String(r.id), ctx: { merchantId: String(r.merchant_id), livemode: Boolean(r.livemode) } }));
  }

  /**
   * Claims the schedule's next attempt for `claim.owner` until `claim.until`: one
   * conditional update, so of several processes only one gets it; it succeeds only if
   * the schedule is still live, still at the attempt the caller saw, due, and free.
   */
  async claim(q: Queryable, s: Schedule, claim: ScheduleClaim, now: number): Promise<boolean> {
    const changed = await q('charge_schedules')
      .where({ id: s.id, merchant_id: s.merchantId, livemode: s.livemode, next_period: s.nextPeriod, next_attempt: s.nextAttempt })
      .whereIn('status', LIVE_SCHEDULE_STATUSES)
      .andWhere('next_charge_at', '<=', now)
      .andWhere((w) => void w.whereNull('lease_until').orWhere('lease_until', '<=', now))
      .update({ lease_owner: claim.owner, lease_until: claim.until });
    return changed === 1;
  }

  /**
   * Attempts left open on schedules that stopped while they ran (canceled with a
   * charge waiting for the buyer or a review), whose schedule no process holds.
   */
  async openOnStopped(q: Queryable, now: number, limit: number): Promise<Array<{ id: string; ctx: MerchantContext }>> {
    const rows = await q('schedule_charges as c')
      .join('charge_schedules as s', function () {
        this.on('s.id', '=', 'c.schedule_id').andOn('s.merchant_id', '=', 'c.merchant_id').andOn('s.livemode', '=', 'c.livemode');
      })
      .distinct('s.id', 's.merchant_id', 's.livemode')
      .where('c.status', 'processing')
      .whereNotIn('s.status', LIVE_SCHEDULE_STATUSES)
      .andWhere((w) => void w.whereNull('s.lease_until').orWhere('s.lease_until', '<=', now))
      .limit(limit);
    return rows.map((r: Record<string, unknown>) => ({ id: String(r.id), ctx: { merchantId: String(r.merchant_id), livemode: Boolean(r.livemode) } }));
  }

  /** Claims a stopped schedule to look at its open attempts (one conditional update, as `claim`). */
  async claimStopped(q: Queryable, s: Schedule, claim: ScheduleClaim, now: number): Promise<boolean> {
    const changed = await q('charge_schedules')
      .where({ id: s.id, merchant_id: s.merchantId, livemode: s.livemode })
      .whereNotIn('status', LIVE_SCHEDULE_STATUSES)
      .andWhere((w) => void w.whereNull('lease_until').orWhere('lease_until', '<=', now))
      .update({ lease_owner: claim.owner, lease_until: claim.until });
    return changed === 1;
  }

  /** The schedule's attempts still open (at most a few). */
  async openCharges(q: Queryable, s: Schedule): Promise<ScheduleCharge[]> {
    const rows = await q('schedule_charges')
      .where({ schedule_id: s.id, merchant_id: s.merchantId, livemode: s.livemode, status: 'processing' })
      .orderBy('seq', 'asc');
    return rows.map(scheduleChargeFromRow);
  }

  /** Gives a claim back (nothing more to do now); only the holder's claim. */
  async release(q: Queryable, s: Schedule, owner: string, until: number | null): Promise<void> {
    await q('charge_schedules')
      .where({ id: s.id, merchant_id: s.merchantId, livemode: s.livemode, lease_owner: owner })
      .update({ lease_owner: null, lease_until: until });
  }

  /** The attempt's row, if a process recorded it already. */
  async findCharge(q: Queryable, s: Schedule, period: number, attempt: number): Promise<ScheduleCharge | undefined> {
    const row = await q('schedule_charges')
      .where({ schedule_id: s.id, merchant_id: s.merchantId, livemode: s.livemode, period_index: period, attempt })
      .first();
    return row === undefined ? undefined : scheduleChargeFromRow(row);
  }

  /** Records an attempt before its payment is made (unique per schedule, period and attempt). */
  async insertCharge(q: Queryable, s: Schedule, dueAt: number, now: number): Promise<ScheduleCharge> {
    await q('schedule_charges').insert({
      id: newId('schc'),
      merchant_id: s.merchantId,
      livemode: s.livemode,
      schedule_id: s.id,
      period_index: s.nextPeriod,
      attempt: s.nextAttempt,
      due_at: dueAt,
      status: 'processing',
      created_at: now,
    });
    const charge = await this.findCharge(q, s, s.nextPeriod, s.nextAttempt);
    if (charge === undefined) throw new Error(`charge of schedule ${s.id} vanished after insert`);
    return charge;
  }

  /** Notes the payment an attempt made, as soon as it is known. */
  async notePayment(q: Queryable, charge: ScheduleCharge, paymentId: string): Promise<void> {
    await q('schedule_charges')
      .where({ id: charge.id, merchant_id: charge.merchantId, livemode: charge.livemode, status: 'processing' })
      .whereNull('payment_id')
      .update({ payment_id: paymentId });
  }

  /** Ends an attempt; true only for the one call that ended it (a second finisher changes nothing). */
  async finishCharge(
    q: Queryable,
    charge: ScheduleCharge,
    result: { status: 'succeeded' | 'failed'; paymentId: string | null; failureCode: string | null; failureMessage: string | null },
    now: number,
  ): Promise<boolean> {
    const changed = await q('schedule_charges')
      .where({ id: charge.id, merchant_id: charge.merchantId, livemode: charge.livemode, status: 'processing' })
      .update({
        status: result.status,
        payment_id: result.paymentId,
        failure_code: result.failureCode,
        failure_message: result.failureMessage === null ? null : result.failureMessage.slice(0, 500),
        finished_at: now,
      });
    return changed === 1;
  }

  /** Removes an attempt that made no payment and is put off (the merchant may not take payments now). */
  async dropCharge(q: Queryable, charge: ScheduleCharge): Promise<void> {
    await q('schedule_charges')
      .where({ id: charge.id, merchant_id: charge.merchantId, livemode: charge.livemode, status: 'processing' })
      .whereNull('payment_id')
      .delete();
  }

  /** The schedule's attempts, oldest first; undefined when `startingAfter` names none of its charges. */
  async charges(
    q: Queryable,
    s: Schedule,
    filter: { limit: number; startingAfter?: string | undefined },
  ): Promise<{ charges: ScheduleCharge[]; hasMore: boolean } | undefined> {
    const query = q('schedule_charges').where({ schedule_id: s.id, merchant_id: s.merchantId, livemode: s.livemode });
    if (filter.startingAfter !== undefined) {
      const cursor = await q('schedule_charges')
        .select('seq')
        .where({ id: filter.startingAfter, schedule_id: s.id, merchant_id: s.merchantId, livemode: s.livemode })
        .first();
      if (cursor === undefined) return undefined;
      query.andWhere('seq', '>', cursor.seq);
    }
    const rows = await query.orderBy('seq', 'asc').limit(filter.limit + 1);
    return { charges: rows.slice(0, filter.limit).map(scheduleChargeFromRow), hasMore: rows.length > filter.limit };
  }

  /**
   * Marks the upcoming-charge notice for the schedule's next period as sent; true only
   * for the one call that marked it (the e-mail is queued in the same transaction).
   */
  async claimUpcomingNotice(q: Queryable, s: Schedule): Promise<boolean> {
    const changed = await q('charge_schedules')
      .where({ id: s.id, merchant_id: s.merchantId, livemode: s.livemode, next_period: s.nextPeriod, status: 'active' })
      .andWhere('upcoming_noticed_period', '<', s.nextPeriod)
      .update({ upcoming_noticed_period: s.nextPeriod });
    return changed === 1;
  }

  /** Live schedules whose next charge falls within `horizon` ms (candidates for the upcoming-charge notice). */
  async upcomingIds(q: Queryable, now: number, horizon: number, limit: number): Promise<Array<{ id: string; ctx: MerchantContext }>> {
    const rows = await q('charge_schedules')
      .select('id', 'merchant_id', 'livemode')
      .where({ status: 'active', next_attempt: 0 })
      .andWhere('next_charge_at', '>', now)
      .andWhere('next_charge_at', '<=', now + horizon)
      .andWhereRaw('upcoming_noticed_period < next_period')
      .orderBy('next_charge_at', 'asc')
      .limit(limit);
    return rows.map((r: Record<string, unknown>) => ({ id: String(r.id), ctx: { merchantId: String(r.merchant_id), livemode: Boolean(r.livemode) } }));
  }
}
