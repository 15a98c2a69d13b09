import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { DATABASE, Database } from '../db/database';
import { LOGGER, Logger } from '../logging/logger';
import { BankResult, InquiryResult } from '../banks/bank-adapter';
import { BankOperation, BankOperationRepository } from '../banks/bank-operation';
import { BankRegistry } from '../banks/bank-registry';
import { callBank } from '../banks/bank-call';
import { BankRouter } from '../routing/bank-router';
import { BankOperatorAlerts } from '../banks/operator-alerts';
import { PaymentRepository } from './payment.repository';
import { PaymentService } from './payment.service';
import { BankOutcomeApplier } from './bank-outcome';
import { TenderMetrics } from '../observability/metrics';

/**
 * Settles bank operations whose outcome is unknown: the bank did not answer, the
 * adapter threw, or the process died between asking and recording. Authorizations
 * are settled by a status inquiry (never guessed); captures, voids and refunds are
 * sent again with the same reference, which an adapter must treat as the same
 * request. Any number of processes may run this at once: applying an outcome is
 * idempotent.
 *
 * An inquiry answered `not_found` is not proof that nothing was charged: a bank may
 * not have recorded a request yet, or an adapter may not find what it sent. Within
 * TENDER_RECONCILE_GRACE_MINUTES of the operation it is treated as unknown (asked
 * again later); after that the operator is alerted (`bank_operation.unresolved`,
 * e-mail) and the payment stays `processing` for a person to settle, never failed
 * by guess.
 */
@injectable()
export class BankReconciler {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(BankOperationRepository) private readonly operations: BankOperationRepository,
    @inject(PaymentRepository) private readonly payments: PaymentRepository,
    @inject(PaymentService) private readonly paymentService: PaymentService,
    @inject(BankOutcomeApplier) private readonly outcomes: BankOutcomeApplier,
    @inject(BankRegistry) private readonly banks: BankRegistry,
    @inject(BankRouter) private readonly router: BankRouter,
    @inject(BankOperatorAlerts) private readonly alerts: BankOperatorAlerts,
    @inject(TenderMetrics) private readonly metrics: TenderMetrics,
  ) {}

  /** Settles what it can of the pending operations older than `olderThanMs`; returns how many were settled. */
  async run(olderThanMs = this.config.reconcileAfterMs, limit = 100): Promise<number> {
    const stale = await this.operations.listStalePending(this.db, this.clock.now() - olderThanMs, limit);
    let settled = 0;
    for (const op of stale) {
      try {
        const result = await this.ask(op);
        if (result === undefined) continue;
        if ((await this.outcomes.apply(op, result)).applied) settled++;
      } catch (error) {
        this.logger.error({ operation: op.id, error: error instanceof Error ? error.message : String(error) }, 'reconciling a bank operation failed');
      }
    }
    return settled;
  }

  private async ask(op: BankOperation): Promise<BankResult | undefined> {
    const adapter = this.banks.get(op.adapterCode);
    const watch = { observer: this.metrics, target: { adapter: op.adapterCode } };
    const ctx = { merchantId: op.merchantId, livemode: op.livemode };
    const payment = await this.payments.find(this.db, ctx, op.paymentId);
    if (payment === undefined) return undefined;
    await this.operations.markRetry(this.db, op, this.clock.now());
    if (op.kind === 'authorize' || op.kind === 'sale') {
      const connection = await this.router.termsForFollowUp(payment, op.id);
      const answer: InquiryResult | { kind: 'unknown'; message: string } = await callBank(
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
            cardBin: payment.card?.bin,
            cardLast4: payment.card?.last4,
            connection,
          }),
        watch,
      );
      if (answer.kind === 'not_found') return this.notFound(op, answer.message);
      return answer;
    }
    const original = await this.operations.findApprovedAuthorization(this.db, op.paymentId);
    if (original === undefined) return undefined;
    const request = await this.paymentService.followUp(payment, op, original);
    switch (op.kind) {
      case 'capture':
        return callBank(this.logger, 'capture', () => adapter.capture(request), watch);
      case 'void':
        return callBank(this.logger, 'void', () => adapter.void(request), watch);
      case 'refund':
        return callBank(this.logger, 'refund', () => adapter.refund({ ...request, card: undefined }), watch);
    }
  }

  /** "Not found" leaves the operation pending: unknown within the grace period, escalated to the operator after it. */
  private async notFound(op: BankOperation, message: string): Promise<undefined> {
    const age = this.clock.now() - op.createdAt;
    if (age < this.config.reconcileGraceMs) {
      this.logger.info({ operation: op.id, ageMs: age }, 'bank does not find the operation yet; asking again later');
      return undefined;
    }
    const raised = await this.alerts.raise({
      kind: 'operation_unresolved',
      reference: op.id,
      paymentId: op.paymentId,
      summary: `The bank (adapter ${op.adapterCode}) does not find the ${op.kind} of ${op.amount} ${op.currency} ${Math.round(age / 60_000)} minutes after it was sent ("${message.slice(0, 200)}"). The payment stays processing: check with the bank whether the cardholder was charged.`,
    });
    if (raised) this.logger.warn({ operation: op.id, payment: op.paymentId }, 'bank operation unresolved after the grace period; operator alerted');
    return undefined;
  }
}
