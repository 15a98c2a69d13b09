import { BackgroundJob, CoreServices, Logger, TenderError, randomToken } from '@tender/core';
import { TopUpOutcome, TopUpProvider } from '../provider/top-up-provider';
import { TopUp, topUpFromRow } from './top-up';
import { ReceiptMail } from './receipt-mail';

export interface DeliveryOptions {
  /** How long a provider call may take before it counts as unknown. */
  readonly providerTimeoutMs: number;
  /** How long a claim lasts; longer than the provider timeout, so a live worker never loses it mid-call. */
  readonly leaseMs: number;
  /** The wait before asking again about an unknown or pending top-up, and before retrying a failed refund. */
  readonly retryMs: number;
}

const CLAIMABLE = ['paid', 'sending', 'unknown', 'refund_pending'] as const;

/**
 * Delivers paid top-ups exactly once. A worker first claims a top-up with a lease
 * (one conditional UPDATE: two processes never hold the same one), and every later
 * write is fenced by the lease owner. Before a send it records `sending`: a worker
 * that finds `sending` (its predecessor died or timed out mid-call) or `unknown`
 * inquires with the same reference and sends again only when the provider answers
 * `not_found`. A final rejection refunds the payment through core's refunds with an
 * idempotency key, so a crash between refund and status write never refunds twice.
 */
export class TopUpDelivery {
  private readonly owner = `w_${randomToken(16)}`;

  constructor(
    private readonly core: CoreServices,
    private readonly provider: TopUpProvider,
    private readonly receipts: ReceiptMail,
    private readonly options: DeliveryOptions,
  ) {}

  private get logger(): Logger {
    return this.core.logger;
  }

  /** The delivery loop as a scheduler job (loop wiring): parallel, the claims keep each top-up single. */
  job(intervalMs: number): BackgroundJob {
    return this.core.scheduler.job({
      name: 'top-up-delivery',
      intervalMs,
      concurrency: 'parallel',
      run: async () => {
        await this.runOnce();
      },
    });
  }

  /** One pass: claims and works on due top-ups one by one; returns how many it worked on. */
  async runOnce(limit = 20): Promise<number> {
    const now = this.core.clock.now();
    const due = (await this.core
      .database('top_ups')
      .whereIn('status', CLAIMABLE)
      .andWhere('next_attempt_at', '<=', now)
      .andWhere((w) => w.whereNull('lease_until').orWhere('lease_until', '<', now))
      .orderBy('next_attempt_at', 'asc')
      .limit(limit)
      .select('id')) as Array<{ id: string }>;
    let worked = 0;
    for (const { id } of due) {
      const topUp = await this.claim(id);
      if (topUp === undefined) continue;
      worked++;
      try {
        await this.work(topUp);
      } catch (error) {
        this.logger.warn({ err: error, topUp: id }, 'top-up delivery step failed; retried after the lease');
      }
    }
    return worked;
  }

  private async claim(id: string): Promise<TopUp | undefined> {
    const now = this.core.clock.now();
    const claimed = await this.core
      .database('top_ups')
      .where({ id })
      .whereIn('status', CLAIMABLE)
      .andWhere('next_attempt_at', '<=', now)
      .andWhere((w) => w.whereNull('lease_until').orWhere('lease_until', '<', now))
      .update({ lease_owner: this.owner, lease_until: now + this.options.leaseMs });
    if (claimed !== 1) return undefined;
    const row = (await this.core.database('top_ups').where({ id, lease_owner: this.owner }).first()) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : topUpFromRow(row);
  }

  private async work(topUp: TopUp): Promise<void> {
    switch (topUp.status) {
      case 'paid':
        return this.send(topUp);
      case 'sending':
      case 'unknown':
        return this.inquire(topUp);
      case 'refund_pending':
        return this.refund(topUp);
      default:
        return this.release(topUp);
    }
  }

  private async send(topUp: TopUp): Promise<void> {
    // Recorded before the call: whoever finds `sending` later knows a send may have taken effect.
    if (!(await this.write(topUp, { status: 'sending', attempts: topUp.attempts + 1 }))) return;
    const outcome = await this.call((signal) =>
      this.provider.send({ reference: topUp.id, phone: topUp.phone, operatorInn: topUp.operatorInn, amount: topUp.amount, currency: topUp.currency }, signal),
    );
    // No answer in time: like `pending`, it becomes `unknown` and is asked about, never resent blindly.
    await this.apply(topUp, outcome ?? { status: 'pending' });
  }

  private async inquire(topUp: TopUp): Promise<void> {
    const outcome = await this.call((signal) => this.provider.inquire(topUp.id, signal));
    if (outcome === undefined) {
      await this.write(topUp, { status: 'unknown', next_attempt_at: this.core.clock.now() + this.options.retryMs });
      return;
    }
    // The provider never saw it (the process died before the request left): sending now is the first send.
    if (outcome.status === 'not_found') {
      await this.write(topUp, { status: 'paid', next_attempt_at: this.core.clock.now() });
      return;
    }
    await this.apply(topUp, outcome);
  }

  private async apply(topUp: TopUp, outcome: TopUpOutcome): Promise<void> {
    const now = this.core.clock.now();
    if (outcome.status === 'accepted') {
      await this.core.database.transaction(async (trx) => {
        const updated = await trx('top_ups')
          .where({ id: topUp.id, lease_owner: this.owner })
          .whereNot({ status: 'delivered' })
          .update({ status: 'delivered', provider_reference: outcome.providerReference.slice(0, 100), lease_owner: null, lease_until: null, updated_at: now });
        if (updated === 1) await this.receipts.queue(trx, { ...topUp, status: 'delivered' });
      });
      return;
    }
    if (outcome.status === 'rejected') {
      if (await this.write(topUp, { status: 'refund_pending', failure_reason: outcome.reason.slice(0, 200), next_attempt_at: now }, true))
        await this.refund({ ...topUp, status: 'refund_pending' });
      return;
    }
    await this.write(topUp, { status: 'unknown', next_attempt_at: now + this.options.retryMs });
  }

  private async refund(topUp: TopUp): Promise<void> {
    if (topUp.paymentId === null) return;
    const ctx = { merchantId: topUp.merchantId, livemode: topUp.livemode };
    try {
      // The key makes a second pass (after a crash between refund and status write) answer the same refund, never a second one.
      const refund = await this.core.refunds.create(
        ctx,
        { payment_id: topUp.paymentId, reason: 'Mobile top-up rejected by the operator' },
        `top-up-refund-${topUp.id}`,
      );
      await this.write(topUp, { status: 'refunded', refund_id: refund.id });
    } catch (error) {
      // Nothing left to refund: the operator gave the money back by hand; record their refund, never a second one.
      const byHand = isNothingToRefund(error)
        ? (await this.core.refunds.listForPayment(ctx, topUp.paymentId, 10)).refunds.find((r) => r.status !== 'failed')
        : undefined;
      if (byHand !== undefined) {
        await this.write(topUp, { status: 'refunded', refund_id: byHand.id });
        return;
      }
      this.logger.warn({ err: error, topUp: topUp.id }, 'top-up refund failed; retried later');
      await this.write(topUp, { status: 'refund_pending', next_attempt_at: this.core.clock.now() + this.options.retryMs });
    }
  }

  /** The provider's answer, or undefined when it did not answer in time (or failed on the way). */
  private async call<T>(request: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.providerTimeoutMs);
    try {
      return await request(controller.signal);
    } catch (error) {
      this.logger.warn({ err: error }, 'top-up provider did not answer; its outcome is unknown until asked');
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A write fenced by the lease; `keep` holds the lease (more work follows), otherwise it is released. */
  private async write(topUp: TopUp, patch: Record<string, unknown>, keep = false): Promise<boolean> {
    const lease = keep || patch.status === 'sending' ? {} : { lease_owner: null, lease_until: null };
    const updated = await this.core
      .database('top_ups')
      .where({ id: topUp.id, lease_owner: this.owner })
      .update({ ...patch, ...lease, updated_at: this.core.clock.now() });
    if (updated !== 1) this.logger.warn({ topUp: topUp.id }, 'top-up lease lost; another worker carries on');
    return updated === 1;
  }

  private async release(topUp: TopUp): Promise<void> {
    await this.write(topUp, {});
  }
}

/** A refund refused because the payment has no refundable amount left (fully refunded already). */
function isNothingToRefund(error: unknown): boolean {
  return error instanceof TenderError && (error.code === 'payment_invalid_state' || error.code === 'amount_too_large');
}
