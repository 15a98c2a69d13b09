import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database } from '../db/database';
import { inTransaction } from '../db/transaction';
import { LOGGER, Logger } from '../logging/logger';
import { MerchantContext } from '../merchants/merchant-context';
import { BankResult } from '../banks/bank-adapter';
import { BankInstrument, BankPaymentBase, payThrough } from '../methods/bank-capability';
import { BankRegistry } from '../banks/bank-registry';
import { BankOperation, BankOperationRepository } from '../banks/bank-operation';
import { callBank } from '../banks/bank-call';
import { ConnectionHealth, breakerOutcome } from '../routing/connection-health';
import { RouteCandidate } from '../routing/bank-router';
import { PaymentAttemptRepository, attemptRoute } from '../routing/payment-attempt.repository';
import { Payment } from './payment';
import { PaymentRepository } from './payment.repository';
import { PaymentStateWriter } from './payment-state-writer';
import { TenderMetrics } from '../observability/metrics';
import { AnswerNotRecordedError, BankOutcomeApplier } from './bank-outcome';

/** What every try of one confirm sends: the method's capability and instrument, and the payment's facts. */
export interface AuthorizationBase {
  readonly capability: string;
  /** The payment method's type (`card`, `account`), for metrics. */
  readonly method?: string;
  readonly instrument: BankInstrument;
  readonly payment: Omit<BankPaymentBase, 'reference' | 'connection'>;
}

/**
 * Authorizes a payment (whatever its method: the capability picks the adapter
 * operation, bank-capability.ts) along its route, failing over to the next connection only
 * after a technical failure (the bank said it failed, or was never reached): never
 * after a decline, and never after an unknown outcome, which stays pending until
 * an inquiry or a reversal settles it (a second authorization could charge twice).
 * Each try is its own bank operation and its own recorded attempt; the payment
 * stays `processing` between tries and gets the last try's outcome.
 *
 * @example
 * ```ts
 * const payment = await attempts.run(ctx, processingPayment, firstOperation, plan, request);
 * ```
 */
@injectable()
export class AuthorizationAttempts {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(PaymentRepository) private readonly payments: PaymentRepository,
    @inject(PaymentStateWriter) private readonly writer: PaymentStateWriter,
    @inject(BankOperationRepository) private readonly operations: BankOperationRepository,
    @inject(BankOutcomeApplier) private readonly outcomes: BankOutcomeApplier,
    @inject(BankRegistry) private readonly banks: BankRegistry,
    @inject(ConnectionHealth) private readonly health: ConnectionHealth,
    @inject(PaymentAttemptRepository) private readonly attempts: PaymentAttemptRepository,
    @inject(TenderMetrics) private readonly metrics: TenderMetrics,
  ) {}

  /** `first` is the operation already created (pending) for `plan[0]`. */
  async run(ctx: MerchantContext, payment: Payment, first: BankOperation, plan: readonly RouteCandidate[], request: AuthorizationBase): Promise<Payment> {
    let op = first;
    for (let i = 0; i < plan.length; i++) {
      const candidate = plan[i];
      if (i > 0) op = await this.nextOperation(ctx, payment.id, op, candidate);
      const result = await this.tryOne(candidate, op, request);
      // The attempt is the operation row (written with its route before the bank was
      // asked); its result is the operation's status, written here only where that
      // status would not say it.
      const kind = result.skipped ? 'skipped' : result.answer.kind;
      if (kind === 'skipped' || kind === 'unknown' || kind === 'action_required') await this.attempts.markResult(this.db, op.id, kind);
      if (result.answer.kind === 'technical_failure' && i < plan.length - 1) {
        await this.settleOperationOnly(op, result.answer);
        continue;
      }
      // `payment` is what the first transaction wrote: the outcome needs no locking read while it still holds.
      const settled = await this.applied(op, result.answer, payment);
      this.metrics.confirmation({ status: settled.status, method: request.method ?? request.capability, bank: candidate.bankCode });
      return settled;
    }
    throw new Error('an authorization route must have at least one connection');
  }

  /**
   * The payment after the answer is applied. An answer that could not be recorded
   * leaves the payment `processing` for the reconciler, which is what a confirm
   * answers when the bank itself gave no answer.
   */
  private async applied(op: BankOperation, answer: BankResult, payment: Payment): Promise<Payment> {
    try {
      return (await this.outcomes.apply(op, answer, payment)).payment;
    } catch (error) {
      if (!(error instanceof AnswerNotRecordedError)) throw error;
      this.logger.warn({ operation: op.id, payment: payment.id }, "a bank's answer could not be recorded; the reconciler will settle the payment");
      return (await this.payments.find(this.db, { merchantId: payment.merchantId, livemode: payment.livemode }, payment.id)) ?? payment;
    }
  }

  private async tryOne(candidate: RouteCandidate, op: BankOperation, request: AuthorizationBase): Promise<{ answer: BankResult; skipped: boolean }> {
    // Health is tracked for contracted connections only; the sandbox is never "sick".
    const id = candidate.connectionId;
    const admission = id === undefined ? 'use' : await this.health.admit(id);
    if (admission === 'skip') {
      return {
        skipped: true,
        answer: { kind: 'technical_failure', reason: 'bank_unreachable', rawCode: undefined, message: "Skipped: the connection's circuit breaker is open." },
      };
    }
    const adapter = this.banks.get(candidate.adapterCode);
    const started = Date.now();
    const answer = await callBank(
      this.logger,
      request.capability === 'card_authorization' ? 'authorize' : request.capability,
      () => payThrough(adapter, request.capability, { ...request.payment, reference: op.id, connection: candidate.terms }, request.instrument),
      { observer: this.metrics, target: { adapter: candidate.adapterCode, connection: id } },
    );
    if (id !== undefined) this.health.record(id, breakerOutcome(answer), Date.now() - started, admission);
    return { answer, skipped: false };
  }

  /** Closes a failed try without touching the payment, which stays processing for the next one. */
  private async settleOperationOnly(op: BankOperation, result: Extract<BankResult, { kind: 'technical_failure' }>): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      const current = await this.operations.find(trx, op.id, { lock: true });
      if (current !== undefined && current.status === 'pending') await this.operations.settle(trx, current, result, this.clock.now());
    });
  }

  private async nextOperation(ctx: MerchantContext, paymentId: string, previous: BankOperation, candidate: RouteCandidate): Promise<BankOperation> {
    return inTransaction(this.db, async (trx) => {
      const payment = await this.payments.find(trx, ctx, paymentId, { lock: true });
      if (payment === undefined || payment.operationInProgress !== previous.id) throw new Error(`payment ${paymentId} moved on while failing over`);
      const now = this.clock.now();
      const op = await this.operations.create(
        trx,
        {
          paymentId,
          merchantId: ctx.merchantId,
          livemode: ctx.livemode,
          kind: previous.kind,
          adapterCode: candidate.adapterCode,
          amount: previous.amount,
          currency: previous.currency,
        },
        now,
        attemptRoute(candidate),
      );
      await this.writer.change(trx, payment, { operation_in_progress: op.id }, now);
      return op;
    });
  }
}
