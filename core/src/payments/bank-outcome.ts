import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, Transaction } from '../db/database';
import { inTransaction } from '../db/transaction';
import { TenderError } from '../errors/tender-error';
import { BankResult, SettledBankResult } from '../banks/bank-adapter';
import { BankOperation, BankOperationRepository } from '../banks/bank-operation';
import { EventOutbox } from '../notifications/event-outbox';
import { Refund, RefundRepository, refundView } from '../refunds/refund';
import { Payment, PaymentPatch } from './payment';
import { ConcurrentPaymentUpdateError, PaymentRepository } from './payment.repository';
import { PaymentStateWriter } from './payment-state-writer';
import { failureOf } from './failure-messages';
import { RiskOutcomeRecorder, outcomeOf } from '../monitoring/risk-outcome-recorder';
import { isMysql } from '../db/database';
import { settlingJoin } from './settling-update';

export interface AppliedOutcome {
  readonly payment: Payment;
  readonly refund: Refund | undefined;
  /** False when another process had already settled this operation. */
  readonly applied: boolean;
}

/**
 * Applies a bank's answer to the operation, the payment (and the refund) in one
 * transaction. Safe to call twice for the same operation: the second call finds
 * the operation settled and changes nothing, which is what lets the request path
 * and the reconciler race without double counting.
 */
@injectable()
export class BankOutcomeApplier {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(PaymentRepository) private readonly payments: PaymentRepository,
    @inject(PaymentStateWriter) private readonly writer: PaymentStateWriter,
    @inject(BankOperationRepository) private readonly operations: BankOperationRepository,
    @inject(RefundRepository) private readonly refunds: RefundRepository,
    @inject(EventOutbox) private readonly outbox: EventOutbox,
    @inject(RiskOutcomeRecorder) private readonly riskOutcomes: RiskOutcomeRecorder,
  ) {}

  /**
   * One path, no locking read. The payment's UPDATE is conditional on the version the
   * applier last saw (taking the row lock first, so the order is payment then
   * operation, as everywhere else), then the operation's on `status = 'pending'`.
   * Under Galera, where row locks are not held across nodes, these two conditions are
   * what keep an answer applied once.
   *
   * `known` is the payment as the caller last wrote it (the request path: the row its
   * own first transaction marked busy with this operation); with it the first try
   * reads nothing. Without it, or when a condition fails (the reconciler or another
   * writer came first), the transaction is rolled back, the payment and the operation
   * are read again and the try is repeated, at most APPLY_ATTEMPTS times: an
   * operation no longer pending was settled by someone else and is not settled twice;
   * otherwise the state machine judges the re-read payment as it would the first.
   */
  async apply(op: BankOperation, result: BankResult, known?: Payment): Promise<AppliedOutcome> {
    const ctx = { merchantId: op.merchantId, livemode: op.livemode };
    if (result.kind === 'unknown') {
      await this.operations.touchUnknown(this.db, op, result.message, this.clock.now());
      const payment = await this.payments.find(this.db, ctx, op.paymentId);
      if (payment === undefined) throw new Error(`operation ${op.id} refers to a missing payment`);
      return { payment, refund: undefined, applied: false };
    }
    let seen = known !== undefined && known.id === op.paymentId && op.refundId === null ? known : undefined;
    let races = 0;
    let conflictRounds = 0;
    for (;;) {
      if (seen === undefined) {
        const fresh = await this.reread(op);
        if (fresh.settled) return { payment: fresh.payment, refund: fresh.refund, applied: false };
        seen = fresh.payment;
      }
      const payment = seen;
      try {
        return await inTransaction(this.db, (trx) => this.applyTo(trx, op, result, payment));
      } catch (error) {
        if (isWriteConflictError(error)) {
          // The bank has answered, so this is no request a client can simply send again:
          // a hot row (one card's risk bucket, paid from two Galera nodes at once) gets
          // more rounds than a request's transaction would, each reading both rows anew.
          if (++conflictRounds >= RECORD_CONFLICT_ROUNDS) throw await this.notRecorded(op, 'kept losing write conflicts');
        } else if (error instanceof ConcurrentPaymentUpdateError || error instanceof OperationTakenError) {
          // Lost a race: the next turn reads both rows again and decides from what they say now.
          if (++races >= APPLY_ATTEMPTS) throw await this.notRecorded(op, 'the payment kept changing');
        } else throw error;
        seen = undefined;
      }
    }
  }

  /**
   * Gives up on recording an answer: the operation stays pending (the reconciler asks
   * the bank again and applies what it says), marked with why, and the caller learns
   * the outcome is not known yet, never a "nothing was written" it could retry on.
   */
  private async notRecorded(op: BankOperation, why: string): Promise<AnswerNotRecordedError> {
    await this.operations.touchUnknown(this.db, op, `the bank's answer could not be recorded: ${why}`, this.clock.now()).catch(() => undefined);
    return new AnswerNotRecordedError(op.id);
  }

  /** The payment as it is now, and whether the operation is still the applier's to settle. */
  private async reread(op: BankOperation): Promise<{ payment: Payment; refund: Refund | undefined; settled: boolean }> {
    const ctx = { merchantId: op.merchantId, livemode: op.livemode };
    const current = await this.operations.find(this.db, op.id);
    const payment = await this.payments.find(this.db, ctx, op.paymentId);
    if (payment === undefined || current === undefined) throw new Error(`operation ${op.id} refers to a missing payment`);
    const refund = op.refundId === null ? undefined : await this.refunds.find(this.db, ctx, op.refundId);
    return { payment, refund, settled: current.status !== 'pending' };
  }

  /** One try: every write conditional; throws (rolling back) when the payment or the operation moved. */
  private async applyTo(trx: Transaction, op: BankOperation, result: SettledOrHeld, payment: Payment): Promise<AppliedOutcome> {
    const now = this.clock.now();
    if (result.kind === 'action_required') {
      // The bank holds the operation; the payment waits for the buyer: a 3-D Secure
      // challenge here, or a payment finished elsewhere (AwaitedPaymentSettler).
      const held = await this.writer.change(trx, payment, { status: 'requires_action', ...waitingPatch(result), operation_in_progress: null }, now);
      if (!(await this.operations.holdForAction(trx, op, now))) throw new OperationTakenError(op.id);
      return { payment: held, refund: undefined, applied: true };
    }
    if (op.kind === 'refund') {
      const ctx = { merchantId: op.merchantId, livemode: op.livemode };
      const current = op.refundId === null ? undefined : await this.refunds.find(trx, ctx, op.refundId);
      if (current === undefined) throw new Error(`refund operation ${op.id} has no refund`);
      const settled = await this.applyRefund(trx, payment, current, result, now);
      if (!(await this.operations.settle(trx, op, result, now))) throw new OperationTakenError(op.id);
      return { ...settled, applied: true };
    }
    const patch =
      op.kind === 'capture'
        ? followUpPatch(result, { status: 'captured', amount_captured: op.amount })
        : op.kind === 'void'
          ? followUpPatch(result, { status: 'canceled' })
          : authorizationPatch(op, result);
    return { payment: await this.settle(trx, payment, patch, op, result, now), refund: undefined, applied: true };
  }

  /**
   * The payment, its operation and (an authorization's) risk outcome. On MySQL/MariaDB
   * one multi-table UPDATE (settling-update.ts) writes all three under the same
   * conditions; SQLite, without multi-table UPDATE, runs them one by one.
   */
  private async settle(trx: Transaction, payment: Payment, patch: PaymentPatch, op: BankOperation, result: SettledBankResult, now: number): Promise<Payment> {
    const authorization = op.kind === 'authorize' || op.kind === 'sale';
    if (isMysql(trx)) {
      const outcome = authorization ? outcomeOf({ ...payment, status: patch.status ?? payment.status }) : undefined;
      return this.writer.change(trx, payment, patch, now, undefined, settlingJoin(op, result, now, outcome));
    }
    const updated = await this.writer.change(trx, payment, patch, now);
    if (!(await this.operations.settle(trx, op, result, now))) throw new OperationTakenError(op.id);
    if (authorization) await this.riskOutcomes.authorizationApplied(trx, updated, now);
    return updated;
  }

  private async applyRefund(
    trx: Transaction,
    payment: Payment,
    refund: Refund,
    result: SettledBankResult,
    now: number,
  ): Promise<{ payment: Payment; refund: Refund }> {
    const pending = payment.amountRefundPending - refund.amount;
    let settled: Refund;
    let updated: Payment;
    if (result.kind === 'approved') {
      settled = await this.refunds.settle(trx, refund, { status: 'succeeded' }, now);
      const refunded = payment.amountRefunded + refund.amount;
      updated = await this.writer.change(
        trx,
        payment,
        {
          status: refunded >= payment.amountCaptured ? 'refunded' : 'partially_refunded',
          amount_refunded: refunded,
          amount_refund_pending: pending,
        },
        now,
      );
    } else {
      const failure = failureOf(result);
      settled = await this.refunds.settle(trx, refund, { status: 'failed', failure_code: failure.code, failure_message: failure.message }, now);
      updated = await this.writer.change(trx, payment, { amount_refund_pending: pending }, now);
    }
    await this.outbox.record(trx, {
      merchantId: refund.merchantId,
      livemode: refund.livemode,
      type: `refund.${settled.status}`,
      objectType: 'refund',
      objectId: refund.id,
      data: refundView(settled),
    });
    return { payment: updated, refund: settled };
  }
}

/** An authorization's (or sale's) answer: approved moves the payment on, anything else ends the attempt. */
function authorizationPatch(op: BankOperation, result: SettledBankResult): PaymentPatch {
  if (result.kind === 'approved') {
    const sale = op.kind === 'sale';
    return {
      status: sale ? 'captured' : 'authorized',
      amount_captured: sale ? op.amount : 0,
      operation_in_progress: null,
      // The network's reference of the approval, for later merchant-initiated payments with this card.
      ...(result.networkReference === undefined ? {} : { network_reference: result.networkReference.slice(0, 64) }),
    };
  }
  const failure = failureOf(result);
  return {
    status: result.kind === 'declined' ? 'declined' : 'failed',
    failure_code: failure.code,
    failure_message: failure.message,
    operation_in_progress: null,
  };
}

/** Capture and void: approval moves the payment; anything else only releases it. */
function followUpPatch(result: SettledBankResult, onApproval: PaymentPatch): PaymentPatch {
  return result.kind === 'approved' ? { ...onApproval, operation_in_progress: null } : { operation_in_progress: null };
}

/** What a payment waiting for its buyer records: a 3-D Secure challenge, or a payment finished elsewhere. */
function waitingPatch(result: Extract<BankResult, { kind: 'action_required' }>): PaymentPatch {
  return result.challenge !== undefined
    ? { three_ds_challenge: JSON.stringify(result.challenge) }
    : { next_action: JSON.stringify(result.nextAction), next_action_expires_at: result.expiresAt };
}

/** How many times one answer is tried against a payment that keeps changing before the conflict reaches the caller. */
const APPLY_ATTEMPTS = 5;
/**
 * How many transaction rounds (each up to TRANSACTION_ATTEMPTS tries with backoff)
 * an answer gets against write conflicts before it is left to the reconciler: about
 * 40 tries and at most about 13 s of backoff.
 */
const RECORD_CONFLICT_ROUNDS = 4;

/**
 * The bank answered, but its answer could not be written (the rows kept changing or
 * conflicting). The operation stays pending for the reconciler, which asks the bank
 * again; the client gets `bank_outcome_unknown`, and a confirm answers with the
 * payment still `processing`, as when the bank itself did not answer.
 */
export class AnswerNotRecordedError extends TenderError {
  constructor(readonly operationId: string) {
    super('bank_outcome_unknown', {
      message:
        "The bank answered, but Tender could not record the answer yet (the payment's records kept changing); it will resolve the outcome and report it.",
    });
  }
}

function isWriteConflictError(error: unknown): boolean {
  return error instanceof TenderError && error.code === 'write_conflict';
}

type SettledOrHeld = Exclude<BankResult, { kind: 'unknown' }>;

/** The operation was no longer pending when the request path came to settle it: someone else did. */
class OperationTakenError extends Error {
  constructor(id: string) {
    super(`operation ${id} was settled by another process`);
  }
}
