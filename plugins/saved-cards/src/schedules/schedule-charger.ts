import { Logger, MerchantContext, Transaction, inTransaction, isUniqueViolation, randomToken } from '@tender/core';
import { recordEvent } from '../events/saved-cards-events';
import { SavedCardsDeps } from '../saved-cards-deps';
import { AttemptResult, ChargeAttempt } from './charge-attempt';
import { ChargeOutcome, ScheduleEventType, afterCharge, periodDueAt } from './schedule-progress';
import { isLive } from './schedule-state';
import { Schedule, ScheduleCharge, scheduleChargeView, scheduleView } from './schedule';
import { ScheduleMail } from './schedule-mail';
import { ScheduleRepository } from './schedule.repository';
import { upcomingNoticeDue } from './upcoming-notice';

const DAY_MS = 86_400_000;

/** How the charger works; from the plugin's options and core's configuration. */
export interface ChargerSettings {
  /** Days after a period's date on which a soft decline is retried (option retryDays). */
  readonly retryDays: readonly number[];
  /** Days before a charge the customer is told of it; 0: never (option upcomingNoticeDays, default 3). */
  readonly upcomingNoticeDays: number;
  /** How long a claim holds before another process may take the attempt over (gateway clock, ms). */
  readonly leaseMs: number;
  /** How long a payment that waits (at the bank, or for the buyer's 3-D Secure) is left before it is looked at again. */
  readonly recheckMs: number;
  /** How long a charge refused "for now" (merchant suspended, no bank) is put off. */
  readonly deferMs: number;
  /** Schedules taken per round. */
  readonly batch: number;
}

/**
 * The background job that charges schedules. Every round it takes the live
 * schedules whose next attempt is due, and for each:
 *
 * 1. claims it in the database (one conditional update: still live, still at that
 *    period and attempt, and no live claim by another process), so of several
 *    gateway processes one works on it;
 * 2. records the attempt (`schedule_charges`, unique per schedule, period and
 *    attempt), or finds the row an earlier process left;
 * 3. makes the payment (ChargeAttempt: idempotent by key and order id, so a
 *    takeover after a crash finds the first process's payment);
 * 4. in one transaction, under the schedule's row lock: ends the attempt (only once:
 *    a conditional update), moves the schedule (next period, a retry, past due,
 *    completed, canceled), records its events and queues the customer's e-mail.
 *
 * A claim not finished within `leaseMs` (the process died) is taken over by the next
 * round of any process. Then it announces upcoming charges: at most one e-mail per
 * period, the mark and the e-mail in one transaction.
 *
 * @example
 * ```ts
 * ctx.registerBackgroundJob(ctx.core.scheduler.job({ name: 'saved-cards-schedules', intervalMs: pollMs, concurrency: 'parallel', run: () => charger.runOnce() }));
 * ```
 */
export class ScheduleCharger {
  /** This process's name in claims. */
  readonly owner = `chg_${randomToken(20)}`;

  constructor(
    private readonly deps: SavedCardsDeps,
    private readonly repository: ScheduleRepository,
    private readonly mail: ScheduleMail,
    private readonly settings: ChargerSettings,
  ) {}

  private get logger(): Logger {
    return this.deps.core.logger;
  }

  /**
   * One round: the due charges (batch after batch while batches come full, at most
   * ten), then the upcoming-charge notices. Returns how many attempts it worked on.
   */
  async runOnce(): Promise<number> {
    const db = this.deps.core.database;
    let worked = 0;
    for (let batch = 0; batch < 10; batch++) {
      const due = await this.repository.dueIds(db, this.deps.core.clock.now(), this.settings.batch);
      for (const { id, ctx } of due) {
        try {
          if (await this.chargeNext(ctx, id)) worked++;
        } catch (error) {
          // The claim's lease runs out and the attempt is taken up again, by this process or another.
          this.logger.error(
            { job: 'saved-cards-schedules', schedule: id, error: error instanceof Error ? error.message : String(error) },
            'schedule charge failed',
          );
        }
      }
      if (due.length < this.settings.batch) break;
    }
    for (const { id, ctx } of await this.repository.openOnStopped(db, this.deps.core.clock.now(), this.settings.batch)) {
      try {
        await this.finishStopped(ctx, id);
      } catch (error) {
        this.logger.error(
          { job: 'saved-cards-schedules', schedule: id, error: error instanceof Error ? error.message : String(error) },
          'schedule charge check failed',
        );
      }
    }
    if (this.settings.upcomingNoticeDays > 0) await this.announceUpcoming(this.deps.core.clock.now());
    return worked;
  }

  /**
   * Records how the open attempts of a schedule that stopped meanwhile ended (a charge
   * that waited for the buyer's 3-D Secure or a review when the merchant canceled):
   * their payments stand, so the history and `charges_made` must say so. Nothing is
   * charged here.
   */
  private async finishStopped(ctx: MerchantContext, id: string): Promise<void> {
    const db = this.deps.core.database;
    const now = this.deps.core.clock.now();
    const schedule = await this.repository.find(db, ctx, id);
    if (schedule === undefined || !(await this.repository.claimStopped(db, schedule, { owner: this.owner, until: now + this.settings.leaseMs }, now))) return;
    let waiting = false;
    for (const charge of await this.repository.openCharges(db, schedule)) {
      const result = await new ChargeAttempt(this.deps.core.payments).look(schedule, charge);
      if (result.kind === 'waiting') waiting = true;
      else await this.settle(schedule, charge, result);
    }
    await this.repository.release(db, schedule, this.owner, waiting ? now + this.settings.recheckMs : null);
  }

  /** Claims and makes the schedule's next attempt; false when another process has it or it is not due. */
  async chargeNext(ctx: MerchantContext, id: string): Promise<boolean> {
    const db = this.deps.core.database;
    const now = this.deps.core.clock.now();
    const schedule = await this.repository.find(db, ctx, id);
    if (schedule === undefined || !isLive(schedule.status) || schedule.nextChargeAt === null || schedule.nextChargeAt > now) return false;
    if (!(await this.repository.claim(db, schedule, { owner: this.owner, until: now + this.settings.leaseMs }, now))) return false;
    const charge = await this.chargeRow(schedule, now);
    if (charge.status !== 'processing') {
      // Ended already, yet the schedule still points at it: cannot happen (both change in one transaction); leave it to the operator's eyes.
      this.logger.error({ schedule: schedule.id, charge: charge.id }, 'schedule points at an attempt that has ended');
      await this.repository.release(db, schedule, this.owner, now + this.settings.recheckMs);
      return true;
    }
    const customer = await this.deps.customers.find(db, ctx, schedule.customerId);
    const result = await new ChargeAttempt(this.deps.core.payments).run(schedule, charge, customer?.email ?? null);
    if ((result.kind === 'succeeded' || result.kind === 'waiting' || result.kind === 'failed') && result.payment !== null)
      await this.repository.notePayment(db, charge, result.payment.id);
    await this.settle(schedule, charge, result);
    return true;
  }

  private async chargeRow(schedule: Schedule, now: number): Promise<ScheduleCharge> {
    const db = this.deps.core.database;
    const existing = await this.repository.findCharge(db, schedule, schedule.nextPeriod, schedule.nextAttempt);
    if (existing !== undefined) return existing;
    try {
      return await this.repository.insertCharge(db, schedule, Math.max(periodDueAt(schedule.terms, schedule.nextPeriod), schedule.nextChargeAt ?? now), now);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const raced = await this.repository.findCharge(db, schedule, schedule.nextPeriod, schedule.nextAttempt);
      if (raced === undefined) throw error;
      return raced;
    }
  }

  private async settle(schedule: Schedule, charge: ScheduleCharge, result: AttemptResult): Promise<void> {
    const db = this.deps.core.database;
    const now = this.deps.core.clock.now();
    if (result.kind === 'waiting') {
      await this.repository.release(db, schedule, this.owner, now + this.settings.recheckMs);
      return;
    }
    if (result.kind === 'deferred') {
      await inTransaction(db, async (trx) => {
        await this.repository.dropCharge(trx, charge);
        await this.repository.release(trx, schedule, this.owner, now + this.settings.deferMs);
      });
      this.logger.warn({ schedule: schedule.id, code: result.code }, 'schedule charge put off');
      return;
    }
    const outcome: ChargeOutcome = result.kind === 'succeeded' ? { kind: 'succeeded' } : { kind: 'failed', code: result.code };
    await inTransaction(db, async (trx) => {
      const current = await this.repository.find(trx, schedule, schedule.id, { forUpdate: true });
      if (current === undefined) return;
      const ended = await this.repository.finishCharge(
        trx,
        charge,
        {
          status: result.kind,
          paymentId: result.payment?.id ?? null,
          failureCode: result.kind === 'failed' ? result.code : null,
          failureMessage: result.kind === 'failed' ? result.message : null,
        },
        now,
      );
      // Another process ended this attempt first: its transaction moved the schedule.
      if (!ended) return;
      const finished = {
        ...charge,
        status: result.kind,
        paymentId: result.payment?.id ?? null,
        failureCode: result.kind === 'failed' ? result.code : null,
        failureMessage: result.kind === 'failed' ? result.message : null,
        finishedAt: now,
      };
      const stillCurrent = isLive(current.status) && current.nextPeriod === charge.periodIndex && current.nextAttempt === charge.attempt;
      if (!stillCurrent) {
        // Canceled while the attempt was at the bank: the attempt is recorded (money may have moved), the schedule stays where it is.
        if (result.kind === 'succeeded') await this.repository.saveProgress(trx, current, { ...current, chargesMade: current.chargesMade + 1 }, now);
        const after = result.kind === 'succeeded' ? { ...current, chargesMade: current.chargesMade + 1 } : current;
        await this.record(trx, after, result.kind === 'succeeded' ? 'schedule.charge_succeeded' : 'schedule.charge_failed', finished);
        return;
      }
      const step = afterCharge(current.terms, current, outcome, this.settings.retryDays, now);
      const final = step.progress.status === 'completed' ? { completed_at: now } : step.progress.status === 'canceled' ? { canceled_at: now } : {};
      await this.repository.saveProgress(trx, current, step.progress, now, { ...final, lease_owner: null, lease_until: null });
      const after: Schedule = {
        ...current,
        ...step.progress,
        updatedAt: now,
        ...(step.progress.status === 'completed' ? { completedAt: now } : {}),
        ...(step.progress.status === 'canceled' ? { canceledAt: now } : {}),
      };
      for (const type of step.events) await this.record(trx, after, type, finished);
      if (result.kind === 'failed') await this.tellFailure(trx, after, result, step.retry?.at);
    });
  }

  private async tellFailure(
    trx: Transaction,
    schedule: Schedule,
    result: Extract<AttemptResult, { kind: 'failed' }>,
    retryAt: number | undefined,
  ): Promise<void> {
    const customer = await this.deps.customers.find(trx, schedule, schedule.customerId);
    const card = await this.deps.cards.find(trx, schedule, schedule.paymentMethodId);
    // The buyer-safe text: the payment's failure message (core's, never the bank's own words).
    const reason = result.payment?.failureMessage ?? null;
    await this.mail.failed(trx, schedule, customer, card, reason, retryAt === undefined ? { kind: 'stopped' } : { kind: 'retry', at: retryAt });
  }

  /** Queues the "upcoming charge" e-mail for schedules whose next charge is `upcomingNoticeDays` away or less. */
  private async announceUpcoming(now: number): Promise<void> {
    const db = this.deps.core.database;
    const horizon = this.settings.upcomingNoticeDays * DAY_MS;
    for (const { id, ctx } of await this.repository.upcomingIds(db, now, horizon, this.settings.batch)) {
      await inTransaction(db, async (trx) => {
        const schedule = await this.repository.find(trx, ctx, id, { forUpdate: true });
        if (schedule === undefined || schedule.status !== 'active' || schedule.nextAttempt !== 0 || schedule.upcomingNoticedPeriod >= schedule.nextPeriod)
          return;
        const wanted = upcomingNoticeDue(schedule.terms, schedule, this.settings.upcomingNoticeDays, schedule.createdAt, schedule.upcomingNoticedPeriod, now);
        // Marked either way: a period too short for a notice is not looked at again.
        if (!(await this.repository.claimUpcomingNotice(trx, schedule)) || !wanted) return;
        const customer = await this.deps.customers.find(trx, ctx, schedule.customerId);
        const card = await this.deps.cards.find(trx, ctx, schedule.paymentMethodId);
        await this.mail.upcoming(trx, schedule, customer, card);
      });
    }
  }

  private async record(trx: Transaction, schedule: Schedule, type: ScheduleEventType, charge: ScheduleCharge): Promise<void> {
    await recordEvent(this.deps.core.events, trx, {
      merchantId: schedule.merchantId,
      livemode: schedule.livemode,
      type,
      objectType: 'schedule',
      objectId: schedule.id,
      data: { ...scheduleView(schedule), latest_charge: scheduleChargeView(charge) },
    });
  }
}
