import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, isUniqueViolation } from '../db/database';
import { LOGGER, Logger } from '../logging/logger';
import { ApprovedResult } from '../banks/bank-adapter';
import { BankOperation, BankOperationRepository } from '../banks/bank-operation';
import { BankRegistry } from '../banks/bank-registry';
import { callBank } from '../banks/bank-call';
import { BankOperatorAlerts } from '../banks/operator-alerts';
import { BankRouter } from '../routing/bank-router';
import { TenderMetrics } from '../observability/metrics';
import { Payment } from './payment';
import { PaymentRepository } from './payment.repository';

/** Where a late payment's return stands: asked and answered, still owed (retried), or given up (the operator returns it). */
export type LateReturnStatus = 'returned' | 'pending' | 'failed';

/**
 * How often a failed return is asked again: after 1, 2, 4, ... minutes, at most an
 * hour apart, 8 tries in all (about 2 hours): long enough for a bank's outage, short
 * enough that the operator hears of a return that will not go through the same day.
 */
export const LATE_RETURN_POLICY = { maxAttempts: 8, firstDelayMs: 60_000, maxDelayMs: 3_600_000 } as const;

/** The wait before try number `attempts + 1`, after `attempts` failed ones. */
export function lateReturnDelay(attempts: number): number {
  return Math.min(LATE_RETURN_POLICY.firstDelayMs * 2 ** Math.max(attempts - 1, 0), LATE_RETURN_POLICY.maxDelayMs);
}

/** While one process asks the bank, others leave the row alone this long (a crash frees it then). */
const CLAIM_MS = 5 * 60_000;

interface ReturnRow {
  readonly operation_id: string;
  readonly payment_id: string;
  readonly merchant_id: string;
  readonly livemode: unknown;
  readonly authorization_code: string | null;
  readonly rrn: string | null;
  readonly bank_reference: string | null;
  readonly attempts: number | string;
  readonly next_attempt_at: number | string;
}

/**
 * Money a buyer paid elsewhere after the payment had expired or closed, sent back
 * through the adapter's `refund` of the whole operation (AwaitedPaymentSettler's
 * `returned_late`). The owed return is written first (`late_payment_returns`), so a
 * bank that fails the return does not lose it: `retryDue` (the settler's job) asks
 * again with backoff (LATE_RETURN_POLICY), each time with the same reference
 * (`<operation>_return`), which the bank treats as the same return, so it is made
 * once however often it is asked. The operator is alerted once either way: with
 * `bank_operation.late_payment_returned` when the money went back, or with
 * `bank_operation.late_payment_return_failed` ("return it by hand") after the last try.
 *
 * @example
 * ```ts
 * const status = await returns.start(op, payment, approved); // 'returned', or 'pending' (retried by the job)
 * await returns.retryDue(); // in the job: the returns whose next try is due
 * ```
 */
@injectable()
export class LatePaymentReturns {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(PaymentRepository) private readonly payments: PaymentRepository,
    @inject(BankOperationRepository) private readonly operations: BankOperationRepository,
    @inject(BankRegistry) private readonly banks: BankRegistry,
    @inject(BankRouter) private readonly router: BankRouter,
    @inject(BankOperatorAlerts) private readonly alerts: BankOperatorAlerts,
    @inject(TenderMetrics) private readonly metrics: TenderMetrics,
  ) {}

  /** Records the return as owed (once per operation) and asks for it now; a second call for the same operation asks again only when it is due. */
  async start(op: BankOperation, payment: Payment, result: ApprovedResult): Promise<LateReturnStatus> {
    const now = this.clock.now();
    try {
      await this.db('late_payment_returns').insert({
        operation_id: op.id,
        payment_id: payment.id,
        merchant_id: op.merchantId,
        livemode: op.livemode,
        status: 'pending',
        authorization_code: result.authorizationCode ?? null,
        rrn: result.rrn ?? null,
        bank_reference: result.bankReference?.slice(0, 100) ?? null,
        attempts: 0,
        next_attempt_at: now,
        last_error: null,
        created_at: now,
        updated_at: now,
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    return this.attemptIfDue(op.id);
  }

  /** The job: every owed return whose next try is due. Returns how many went back. */
  async retryDue(limit = 50): Promise<number> {
    const due = await this.db('late_payment_returns')
      .where({ status: 'pending' })
      .andWhere('next_attempt_at', '<=', this.clock.now())
      .orderBy('next_attempt_at', 'asc')
      .limit(limit)
      .select('operation_id');
    let returned = 0;
    for (const row of due as Array<{ operation_id: string }>) {
      try {
        if ((await this.attemptIfDue(String(row.operation_id))) === 'returned') returned++;
      } catch (error) {
        this.logger.error(
          { operation: row.operation_id, error: error instanceof Error ? error.message : String(error) },
          'retrying the return of a late payment failed',
        );
      }
    }
    return returned;
  }

  /** Where the return of `operationId` stands, or undefined when nothing was owed. */
  async statusOf(operationId: string): Promise<LateReturnStatus | undefined> {
    const row = await this.db('late_payment_returns').where({ operation_id: operationId }).first<{ status: LateReturnStatus } | undefined>('status');
    return row?.status;
  }

  private async attemptIfDue(operationId: string): Promise<LateReturnStatus> {
    const now = this.clock.now();
    const row = (await this.db('late_payment_returns').where({ operation_id: operationId }).first()) as (ReturnRow & { status: LateReturnStatus }) | undefined;
    if (row === undefined) throw new Error(`no late return is owed for operation ${operationId}`);
    if (row.status !== 'pending' || Number(row.next_attempt_at) > now) return row.status;
    // Claimed by moving the next try on: of two processes, one asks the bank (the bank would make it once anyway).
    const claimed = await this.db('late_payment_returns')
      .where({ operation_id: operationId, status: 'pending', next_attempt_at: Number(row.next_attempt_at) })
      .update({ next_attempt_at: now + CLAIM_MS, updated_at: now });
    if (claimed !== 1) return 'pending';
    return this.attempt(row, now);
  }

  private async attempt(row: ReturnRow, now: number): Promise<LateReturnStatus> {
    const op = await this.operations.find(this.db, row.operation_id);
    const payment = await this.payments.find(this.db, { merchantId: row.merchant_id, livemode: Boolean(row.livemode) }, row.payment_id);
    if (op === undefined || payment === undefined) throw new Error(`late return ${row.operation_id} names a missing operation or payment`);
    const adapter = this.banks.get(op.adapterCode);
    const answer = await callBank(
      this.logger,
      'refund',
      async () =>
        adapter.refund({
          reference: `${op.id}_return`.slice(0, 64),
          paymentId: payment.id,
          original: {
            reference: op.id,
            authorizationCode: row.authorization_code ?? undefined,
            rrn: row.rrn ?? undefined,
            bankReference: row.bank_reference ?? undefined,
            amount: op.amount,
            cardBin: undefined,
            cardLast4: undefined,
          },
          amount: op.amount,
          currency: op.currency,
          livemode: op.livemode,
          connection: await this.router.termsForFollowUp(payment, op.id),
          card: undefined,
        }),
      { observer: this.metrics, target: { adapter: op.adapterCode } },
    );
    const attempts = Number(row.attempts) + 1;
    const paid = `The buyer paid ${op.amount} ${op.currency} after the payment had expired or closed (it is ${payment.status})`;
    if (answer.kind === 'approved') {
      await this.db('late_payment_returns').where({ operation_id: op.id }).update({ status: 'returned', attempts, last_error: null, updated_at: now });
      await this.operations.markLateReturned(this.db, op, now);
      await this.alerts.raise({
        kind: 'late_payment_returned',
        reference: op.id,
        paymentId: payment.id,
        summary: `${paid}; the money was returned through ${op.adapterCode}${attempts > 1 ? ` (on try ${attempts})` : ''}.`,
      });
      return 'returned';
    }
    const reason = answer.kind === 'action_required' ? answer.kind : `${answer.kind}: ${answer.message}`;
    const last = attempts >= LATE_RETURN_POLICY.maxAttempts;
    await this.db('late_payment_returns')
      .where({ operation_id: op.id })
      .update({
        status: last ? 'failed' : 'pending',
        attempts,
        next_attempt_at: now + lateReturnDelay(attempts),
        last_error: reason.slice(0, 200),
        updated_at: now,
      });
    this.logger.warn(
      { operation: op.id, attempts, answer: answer.kind },
      last ? 'returning a late payment failed for good' : 'returning a late payment failed; retried later',
    );
    if (last) {
      await this.alerts.raise({
        kind: 'late_payment_return_failed',
        reference: op.id,
        paymentId: payment.id,
        summary: `${paid}; returning it through ${op.adapterCode} failed ${attempts} times (last: ${answer.kind}): return it by hand.`,
      });
    }
    return last ? 'failed' : 'pending';
  }
}
