import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, Transaction } from '../db/database';
import { inTransaction } from '../db/transaction';
import { BankResult, SettledBankResult } from '../banks/bank-adapter';
import { BankOperation, BankOperationRepository } from '../banks/bank-operation';
import { EventOutbox } from '../notifications/event-outbox';
import { Refund, RefundRepository, refundView } from '../refunds/refund';
import { Payment, PaymentPatch } from './payment';
import { ConcurrentPaymentUpdateError, PaymentRepository } from './payment.repository';
import { PaymentStateWriter } from './payment-state-writer';
import { failureOf } from './failure-messages';
import { RiskOutcomeRecorder } from '../monitoring/risk-outcome-recorder';

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
   * `known` is the payment as the caller last wrote it (the request path: the row its
   * own first transaction marked busy with this operation). With it, an answer is
   * applied without a locking read: the payment's UPDATE is conditional on that
   * version (taking the row lock, so the order is payment then operation, as below),
   * then the operation's on `status = 'pending'`. If either no longer matches (the
   * reconciler or another writer came first) that transaction is rolled back and the
   * general path below runs. Under Galera, where row locks are not held across nodes,
   * these two conditions are what keep the outcome applied once.
   */
  async apply(op: BankOperation, result: BankResult, known?: Payment): Promise<AppliedOutcome> {
    if (known !== undefined && known.id === op.paymentId && known.operationInProgress === op.id && op.refundId === null && result.kind !== 'unknown') {
      try {
        return await inTransaction(this.db, (trx) => this.applyToKnown(trx, op, result, known));
      } catch (error) {
        if (!(error instanceof ConcurrentPaymentUpdateError) && !(error instanceof OperationTakenError)) throw error;
      }
    }
    return this.applyLocked(op, result);
  }

  /** The request path's answer, with no read: see `apply`. Throws (rolling back) when the payment or operation moved. */
  private async applyToKnown(trx: Transaction, op: BankOperation, result: Exclude<BankResult, { kind: 'unknown' }>, payment: Payment): Promise<AppliedOutcome> {
    const now = this.clock.now();
    if (result.kind === 'action_required') {
      const held = await this.writer.change(trx, payment, { status: 'requires_action', ...waitingPatch(result), operation_in_progress: null }, now);
      if (!(await this.operations.holdForAction(trx, op, now))) throw new OperationTakenError(op.id);
      return { payment: held, refund: undefined, applied: true };
    }
    let updated: Payment;
    switch (op.kind) {
      case 'authorize':
      case 'sale':
        updated = await this.applyAuthorization(trx, payment, op, result, now);
        break;
      case 'capture':
        updated = await this.applyFollowUp(trx, payment, result, { status: 'captured', amount_captured: op.amount }, now);
        break;
      case 'void':
        updated = await this.applyFollowUp(trx, payment, result, { status: 'canceled' }, now);
        break;
      case 'refund':
        throw new OperationTakenError(op.id);
    }
    if (!(await this.operations.settle(trx, op, result, now))) throw new OperationTakenError(op.id);
    if (op.kind === 'authorize' || op.kind === 'sale') await this.riskOutcomes.authorizationApplied(trx, updated, now);
    return { payment: updated, refund: undefined, applied: true };
  }

  private applyLocked(op: BankOperation, result: BankResult): Promise<AppliedOutcome> {
    return inTransaction(this.db, async (trx) => {
      const ctx = { merchantId: op.merchantId, livemode: op.livemode };
      const payment = await this.payments.find(trx, ctx, op.paymentId, { lock: true });
      if (payment === undefined) throw new Error(`operation ${op.id} refers to a missing payment`);
      const refund = op.refundId === null ? undefined : await this.refunds.find(trx, ctx, op.refundId, { lock: true });
      const now = this.clock.now();
      // The operation is not read: its kind and amount never change, and each change
      // below is conditional on `status = 'pending'`, so the UPDATE's own row lock
      // decides which of two settlers (request path, reconciler) wins; the loser
      // changes nothing. One statement instead of a locking read and an update.
      const current = op;
      if (result.kind === 'unknown') {
        await this.operations.touchUnknown(trx, current, result.message, now);
        return { payment, refund, applied: false };
      }
      if (result.kind === 'action_required') {
        // The bank holds the operation; the payment waits for the buyer: a 3-D Secure
        // challenge here, or a payment finished elsewhere (AwaitedPaymentSettler).
        if (!(await this.operations.holdForAction(trx, current, now))) return { payment, refund, applied: false };
        const held = await this.writer.change(trx, payment, { status: 'requires_action', ...waitingPatch(result), operation_in_progress: null }, now);
        return { payment: held, refund, applied: true };
      }
      if (!(await this.operations.settle(trx, current, result, now))) return { payment, refund, applied: false };
      switch (current.kind) {
        case 'authorize':
        case 'sale': {
          const authorized = await this.applyAuthorization(trx, payment, current, result, now);
          await this.riskOutcomes.authorizationApplied(trx, authorized, now);
          return { payment: authorized, refund, applied: true };
        }
        case 'capture':
          return {
            payment: await this.applyFollowUp(trx, payment, result, { status: 'captured', amount_captured: current.amount }, now),
            refund,
            applied: true,
          };
        case 'void':
          return { payment: await this.applyFollowUp(trx, payment, result, { status: 'canceled' }, now), refund, applied: true };
        case 'refund':
          if (refund === undefined) throw new Error(`refund operation ${op.id} has no refund`);
          return { ...(await this.applyRefund(trx, payment, refund, result, now)), applied: true };
      }
    });
  }

  private async applyAuthorization(trx: Transaction, payment: Payment, op: BankOperation, result: SettledBankResult, now: number): Promise<Payment> {
    if (result.kind === 'approved') {
      const sale = op.kind === 'sale';
      return this.writer.change(
        trx,
        payment,
        {
          status: sale ? 'captured' : 'authorized',
          amount_captured: sale ? op.amount : 0,
          operation_in_progress: null,
          // The network's reference of the approval, for later merchant-initiated payments with this card.
          ...(result.networkReference === undefined ? {} : { network_reference: result.networkReference.slice(0, 64) }),
        },
        now,
      );
    }
    const failure = failureOf(result);
    return this.writer.change(
      trx,
      payment,
      {
        status: result.kind === 'declined' ? 'declined' : 'failed',
        failure_code: failure.code,
        failure_message: failure.message,
        operation_in_progress: null,
      },
      now,
    );
  }

  /** Capture and void: approval moves the payment; anything else only releases it. */
  private async applyFollowUp(trx: Transaction, payment: Payment, result: SettledBankResult, onApproval: PaymentPatch, now: number): Promise<Payment> {
    const patch: PaymentPatch = result.kind === 'approved' ? { ...onApproval, operation_in_progress: null } : { operation_in_progress: null };
    return this.writer.change(trx, payment, patch, now);
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

/** What a payment waiting for its buyer records: a 3-D Secure challenge, or a payment finished elsewhere. */
function waitingPatch(result: Extract<BankResult, { kind: 'action_required' }>): PaymentPatch {
  return result.challenge !== undefined
    ? { three_ds_challenge: JSON.stringify(result.challenge) }
    : { next_action: JSON.stringify(result.nextAction), next_action_expires_at: result.expiresAt };
}

/** The operation was no longer pending when the request path came to settle it: someone else did. */
class OperationTakenError extends Error {
  constructor(id: string) {
    super(`operation ${id} was settled by another process`);
  }
}
