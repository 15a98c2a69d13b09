import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database } from '../db/database';
import { inTransaction } from '../db/transaction';
import { LOGGER, Logger } from '../logging/logger';
import { ApprovedResult, InquiryResult, SettledBankResult } from '../banks/bank-adapter';
import { BankOperation, BankOperationRepository, EXPIRED_ACTION_CODE } from '../banks/bank-operation';
import { BankRegistry } from '../banks/bank-registry';
import { callBank } from '../banks/bank-call';
import { BankRouter } from '../routing/bank-router';
import { TenderMetrics } from '../observability/metrics';
import { Payment } from './payment';
import { PaymentRepository } from './payment.repository';
import { PaymentStateWriter } from './payment-state-writer';
import { BankOutcomeApplier } from './bank-outcome';
import { LatePaymentReturns } from './late-payment-returns';

/**
 * What a notification or an inquiry did to a payment the buyer completes elsewhere:
 *
 * - `applied`: the waiting payment is settled with the answer;
 * - `already_settled`: nothing changed (a duplicate notification, or the job's
 *   inquiry got there first);
 * - `accepted_late`: paid after the payment had expired, and the payment had not
 *   been paid or closed otherwise: it is settled as paid (failed -> processing ->
 *   captured, with their events);
 * - `returned_late`: paid after the payment had expired and been paid by another
 *   attempt or closed by the shop: the money is sent back through the adapter's
 *   `refund` (retried with backoff when the bank fails it, LatePaymentReturns) and
 *   the operator alerted (`bank_operation.late_payment_returned`, or
 *   `bank_operation.late_payment_return_failed` when every try failed);
 * - `unknown_reference`: no operation has this reference.
 */
export type AwaitedSettlement = 'applied' | 'already_settled' | 'accepted_late' | 'returned_late' | 'unknown_reference';

/** What a bank or wallet notified, after the plugin checked its signature. */
export interface VerifiedNotification {
  /** The adapter the notification endpoint belongs to: a notification may only settle that adapter's operations. */
  readonly adapterCode: string;
  /** Tender's reference the payment was registered with. */
  readonly reference: string;
  /** What was paid, in minor units, and its currency. */
  readonly amount: number;
  readonly currency: string;
  readonly outcome: 'paid' | 'refused';
  /** The bank's or wallet's own id of the payment, kept on the operation. */
  readonly bankReference?: string | undefined;
}

/** The answer for the notifier: 2xx stops its retries. */
export interface NotificationAnswer {
  readonly status: 200 | 404 | 422;
  readonly body: { readonly outcome?: AwaitedSettlement; readonly error?: string };
}

/** Statuses in which a payment paid late has taken no money otherwise and may still take it. */
const ACCEPTS_LATE: ReadonlySet<string> = new Set(['failed', 'declined']);

/**
 * Settles payments the buyer completes outside Tender (BuyerActionRequiredResult:
 * a QR code paid in a bank's app, a wallet's page). Two ways in, both idempotent:
 *
 * - `settle(reference, result)`: a plugin received a notification from the bank
 *   or wallet and verified it (its signature, its amount) before calling;
 * - `runDue()`: the job (every TENDER_RECONCILE_INTERVAL_MS, beside the
 *   reconciler) asks the adapter's `inquire` about every waiting payment, applies a
 *   definite answer, and fails the payment once `next_action_expires_at` has passed
 *   with the buyer still not done (`failure_code` `action_expired`).
 *
 * Each move goes through the state machine with its event, and the bank answer is
 * applied by BankOutcomeApplier like any other, so a notification racing the job
 * (or a second copy of the notification) changes nothing the second time.
 *
 * @example
 * ```ts
 * // in a plugin's notification route, after verifying the bank's signature:
 * const outcome = await ctx.resolve(AwaitedPaymentSettler).settle(notice.reference, { kind: 'approved', authorizationCode: undefined, rrn: undefined, bankReference: notice.operationId });
 * ```
 */
@injectable()
export class AwaitedPaymentSettler {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(PaymentRepository) private readonly payments: PaymentRepository,
    @inject(PaymentStateWriter) private readonly writer: PaymentStateWriter,
    @inject(BankOperationRepository) private readonly operations: BankOperationRepository,
    @inject(BankOutcomeApplier) private readonly outcomes: BankOutcomeApplier,
    @inject(BankRegistry) private readonly banks: BankRegistry,
    @inject(BankRouter) private readonly router: BankRouter,
    @inject(TenderMetrics) private readonly metrics: TenderMetrics,
    @inject(LatePaymentReturns) private readonly returns: LatePaymentReturns,
  ) {}

  /** The operation a bank reference names (the `reference` Tender sent with `pay`), for a plugin checking a notification's amount. */
  async operation(reference: string): Promise<BankOperation | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(reference)) return undefined;
    return this.operations.find(this.db, reference);
  }

  /**
   * A notification whose signature the plugin has verified: it must name an
   * operation of `adapterCode` (else 404, nothing changes) for exactly the
   * operation's amount and currency (else 422: a notification for another sum is
   * not this payment's), then it is settled. The answer is what to send back to the
   * bank or wallet: 200 also for a duplicate, so it stops resending.
   *
   * @example
   * ```ts
   * const answer = await settler.settleNotification({ adapterCode: 'sbp-sandbox', reference, amount: 249900, currency: 'RUB', outcome: 'paid', bankReference: 'sbpop_1' });
   * res.status(answer.status).json(answer.body);
   * ```
   */
  async settleNotification(notice: VerifiedNotification): Promise<NotificationAnswer> {
    const op = await this.operation(notice.reference);
    if (op === undefined || op.adapterCode !== notice.adapterCode) return { status: 404, body: { error: 'unknown_reference' } };
    if (notice.amount !== op.amount || notice.currency !== op.currency) return { status: 422, body: { error: 'amount_mismatch' } };
    const { outcome } = await this.settle(
      notice.reference,
      notice.outcome === 'paid'
        ? { kind: 'approved', authorizationCode: undefined, rrn: undefined, bankReference: notice.bankReference }
        : { kind: 'declined', reason: 'do_not_honor', rawCode: 'refused', message: 'The buyer or their bank refused the payment.' },
    );
    return { status: 200, body: { outcome } };
  }

  /** Applies a verified answer about the operation `reference` (see AwaitedSettlement). */
  async settle(reference: string, result: SettledBankResult): Promise<{ outcome: AwaitedSettlement; payment: Payment | undefined }> {
    const op = await this.operation(reference);
    if (op === undefined) return { outcome: 'unknown_reference', payment: undefined };
    if (op.status === 'pending') {
      // Being settled right now (the job resumed it): the applier lets one answer win.
      const applied = await this.outcomes.apply(op, result);
      return { outcome: applied.applied ? 'applied' : 'already_settled', payment: applied.payment };
    }
    if (op.status === 'action_required') return this.settleHeld(op, result);
    if (op.status === 'failed' && op.failureCode === EXPIRED_ACTION_CODE && result.kind === 'approved') return this.settleLate(op, result);
    return { outcome: 'already_settled', payment: await this.payments.find(this.db, contextOf(op), op.paymentId) };
  }

  /** The job: retries due returns of late payments, asks about every waiting payment, settles what is answered, expires what has lapsed. Returns how many payments changed. */
  async runDue(limit = 100): Promise<number> {
    // Late payments whose return the bank failed before: asked again when due (not counted: no payment changes).
    await this.returns.retryDue();
    const rows = await this.db('payments')
      .where({ status: 'requires_action' })
      .whereNotNull('next_action_expires_at')
      .orderBy('next_action_expires_at', 'asc')
      .limit(limit)
      .select('id', 'merchant_id', 'livemode');
    let changed = 0;
    for (const row of rows) {
      try {
        const op = await this.operations.findHeldForAction(this.db, String(row.id));
        if (op !== undefined && (await this.check(op))) changed++;
      } catch (error) {
        this.logger.error({ payment: row.id, error: error instanceof Error ? error.message : String(error) }, 'checking a payment awaiting the buyer failed');
      }
    }
    return changed;
  }

  /** One waiting operation: a definite answer settles it; no answer after the expiry fails the payment. */
  private async check(op: BankOperation): Promise<boolean> {
    const ctx = contextOf(op);
    const payment = await this.payments.find(this.db, ctx, op.paymentId);
    if (payment === undefined || payment.status !== 'requires_action') return false;
    const answer = await this.inquire(op, payment);
    if (answer.kind === 'approved' || answer.kind === 'declined') return (await this.settle(op.id, answer)).outcome === 'applied';
    if (payment.nextActionExpiresAt === null || this.clock.now() < payment.nextActionExpiresAt) return false;
    return this.expire(op);
  }

  private async inquire(op: BankOperation, payment: Payment): Promise<InquiryResult | { kind: 'unknown'; message: string }> {
    const adapter = this.banks.get(op.adapterCode);
    const connection = await this.router.termsForFollowUp(payment, op.id);
    return callBank(
      this.logger,
      'inquire',
      () =>
        adapter.inquire({
          kind: op.kind,
          reference: op.id,
          paymentId: op.paymentId,
          amount: op.amount,
          currency: op.currency,
          livemode: op.livemode,
          cardBin: undefined,
          cardLast4: undefined,
          connection,
        }),
      { observer: this.metrics, target: { adapter: op.adapterCode } },
    );
  }

  /** The offer lapsed: the operation fails and the payment with it (requires_action -> failed, `payment.failed`). */
  private async expire(op: BankOperation): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const now = this.clock.now();
      const payment = await this.payments.find(trx, contextOf(op), op.paymentId, { lock: true });
      if (payment === undefined || payment.status !== 'requires_action' || payment.operationInProgress !== null) return false;
      if (!(await this.operations.expireHeld(trx, op, now))) return false;
      await this.writer.change(
        trx,
        payment,
        {
          status: 'failed',
          failure_code: EXPIRED_ACTION_CODE,
          failure_message: 'The payment was not completed in time. You may try again.',
          next_action: null,
          next_action_expires_at: null,
        },
        now,
        'expire this payment',
      );
      return true;
    });
  }

  /** The held operation is answered: the payment moves on to processing, then the applier settles it. */
  private async settleHeld(op: BankOperation, result: SettledBankResult): Promise<{ outcome: AwaitedSettlement; payment: Payment | undefined }> {
    const resumed = await inTransaction(this.db, async (trx) => {
      const now = this.clock.now();
      const payment = await this.payments.find(trx, contextOf(op), op.paymentId, { lock: true });
      if (payment === undefined) throw new Error(`operation ${op.id} refers to a missing payment`);
      // The shop closed the payment, or it was confirmed again (a newer offer waits), while this one waited.
      const latest = await this.operations.findHeldForAction(trx, payment.id);
      const waiting = payment.status === 'requires_action' && payment.operationInProgress === null && latest?.id === op.id;
      if (!(await this.operations.resumeAfterAction(trx, op, now))) return { payment, raced: true, orphan: false };
      if (!waiting) return { payment, raced: false, orphan: true };
      const processing = await this.writer.change(
        trx,
        payment,
        { status: 'processing', next_action: null, next_action_expires_at: null, operation_in_progress: op.id },
        now,
        'settle this payment',
      );
      return { payment: processing, raced: false, orphan: false };
    });
    if (resumed.raced) return this.settle(op.id, result);
    if (resumed.orphan) {
      // Nothing waits for this operation any more: close it; money taken goes back.
      await inTransaction(this.db, (trx) =>
        this.operations.settle(
          trx,
          { ...op, status: 'pending' },
          result.kind === 'approved'
            ? { kind: 'technical_failure', reason: 'processing_error', rawCode: undefined, message: 'Paid after the payment had closed; returned.' }
            : result,
          this.clock.now(),
        ),
      );
      if (result.kind === 'approved') await this.returnLate(op, resumed.payment, result);
      return { outcome: result.kind === 'approved' ? 'returned_late' : 'already_settled', payment: resumed.payment };
    }
    const applied = await this.outcomes.apply(op, result);
    return { outcome: 'applied', payment: applied.payment };
  }

  /**
   * Paid after expiry. Accepted when the payment took no money otherwise and this
   * was its last attempt (it failed by this very expiry); else the money goes back.
   */
  private async settleLate(op: BankOperation, result: ApprovedResult): Promise<{ outcome: AwaitedSettlement; payment: Payment | undefined }> {
    const reopened = await inTransaction(this.db, async (trx) => {
      const now = this.clock.now();
      const payment = await this.payments.find(trx, contextOf(op), op.paymentId, { lock: true });
      if (payment === undefined) throw new Error(`operation ${op.id} refers to a missing payment`);
      const attempts = (await this.operations.listForPayment(trx, payment.id)).filter((o) => o.kind === 'authorize' || o.kind === 'sale');
      const last = attempts[attempts.length - 1];
      const acceptable = ACCEPTS_LATE.has(payment.status) && payment.operationInProgress === null && last?.id === op.id;
      if (!acceptable) return { payment, accepted: false };
      if (!(await this.operations.reopenExpired(trx, op, now))) return { payment, accepted: false, raced: true };
      const processing = await this.writer.change(
        trx,
        payment,
        { status: 'processing', failure_code: null, failure_message: null, operation_in_progress: op.id },
        now,
        'accept a late payment',
      );
      return { payment: processing, accepted: true };
    });
    if ('raced' in reopened) return this.settle(op.id, result);
    if (reopened.accepted) {
      const applied = await this.outcomes.apply(op, result);
      return { outcome: 'accepted_late', payment: applied.payment };
    }
    await this.returnLate(op, reopened.payment, result);
    return { outcome: 'returned_late', payment: reopened.payment };
  }

  /**
   * Sends money Tender does not count back to the buyer (LatePaymentReturns): the
   * return is recorded as owed and asked for at once; one the bank fails is retried
   * by the job with backoff, with the same reference (the bank makes it once), and
   * the operator is alerted when it went back or, after the last try, failed.
   */
  private async returnLate(op: BankOperation, payment: Payment, result: ApprovedResult): Promise<void> {
    await this.returns.start(op, payment, result);
  }
}

function contextOf(op: BankOperation): { merchantId: string; livemode: boolean } {
  return { merchantId: op.merchantId, livemode: op.livemode };
}
