import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database } from '../db/database';
import { inTransaction } from '../db/transaction';
import { TenderError, notFound } from '../errors/tender-error';
import { LOGGER, Logger } from '../logging/logger';
import { MerchantContext } from '../merchants/merchant-context';
import { ThreeDSecureChallenge } from '../banks/bank-adapter';
import { BankRegistry } from '../banks/bank-registry';
import { BankOperationRepository } from '../banks/bank-operation';
import { callBank } from '../banks/bank-call';
import { BankRouter } from '../routing/bank-router';
import { Payment } from '../payments/payment';
import { PaymentRepository } from '../payments/payment.repository';
import { PaymentStateWriter } from '../payments/payment-state-writer';
import { BankOutcomeApplier } from '../payments/bank-outcome';
import { assertTransition } from '../payments/payment-state-machine';
import { TenderMetrics } from '../observability/metrics';

/**
 * The second half of a 3-D Secure payment: the buyer is back from the issuer's
 * challenge with a CRes. The adapter's ThreeDSecureServer verifies it, the payment
 * moves requires_action -> processing with the transStatus and ECI, the bank
 * finishes the authorization it held (same reference), and BankOutcomeApplier
 * settles the payment as for any other authorization. A second CRes for the same
 * payment finds it no longer in requires_action and gets a 409: never a second charge.
 *
 * @example
 * ```ts
 * const payment = await threeDSecure.complete(ctx, 'pay_...', req.body.cres);
 * payment.status; // 'captured' | 'authorized' | 'declined'
 * ```
 */
@injectable()
export class ThreeDSecureService {
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
  ) {}

  /** The challenge the buyer must answer, while the payment requires action. */
  challengeOf(payment: Payment): ThreeDSecureChallenge | undefined {
    if (payment.status !== 'requires_action' || payment.threeDSecureChallenge === null) return undefined;
    return JSON.parse(payment.threeDSecureChallenge) as ThreeDSecureChallenge;
  }

  async complete(ctx: MerchantContext, id: string, cres: string): Promise<Payment> {
    const before = await this.payments.find(this.db, ctx, id);
    if (before === undefined) throw notFound('payment', id);
    assertTransition(before.status, 'processing', 'complete 3-D Secure for this payment');
    const challenge = this.challengeOf(before);
    const op = await this.operations.findHeldForAction(this.db, before.id);
    if (challenge === undefined || op === undefined)
      throw new TenderError('payment_invalid_state', { message: 'This payment has no 3-D Secure challenge waiting.' });
    const adapter = this.banks.get(op.adapterCode);
    if (adapter.threeDSecure === undefined || adapter.completeAuthorization === undefined) {
      throw new Error(`adapter ${adapter.code} asked for 3-D Secure but cannot complete it`);
    }
    // Verified before anything is written: a bad CRes is an authentication failure the bank settles.
    const authentication = await adapter.threeDSecure.verifyChallenge({ transactionId: challenge.transactionId, cres });
    const payment = await inTransaction(this.db, async (trx) => {
      const current = await this.payments.find(trx, ctx, id, { lock: true });
      if (current === undefined) throw notFound('payment', id);
      if (current.operationInProgress !== null) throw new TenderError('payment_operation_in_progress');
      assertTransition(current.status, 'processing', 'complete 3-D Secure for this payment');
      const now = this.clock.now();
      if (!(await this.operations.resumeAfterAction(trx, op, now))) throw new TenderError('payment_operation_in_progress');
      return this.writer.change(
        trx,
        current,
        {
          status: 'processing',
          three_ds_status: authentication.transStatus,
          three_ds_eci: authentication.eci ?? null,
          three_ds_challenge: null,
          operation_in_progress: op.id,
        },
        now,
        'complete 3-D Secure for this payment',
      );
    });
    const complete = adapter.completeAuthorization.bind(adapter);
    const result = await callBank(
      this.logger,
      'complete authorization',
      () =>
        complete({
          reference: op.id,
          paymentId: payment.id,
          amount: op.amount,
          currency: op.currency,
          capture: op.kind === 'sale',
          livemode: payment.livemode,
          authentication,
          connection: this.router.route(payment).terms,
        }),
      { observer: this.metrics, target: { adapter: op.adapterCode } },
    );
    // An adapter must not ask for a second challenge; treat it as no answer (the reconciler inquires).
    const settled = result.kind === 'action_required' ? { kind: 'unknown' as const, message: 'the bank asked for a second challenge' } : result;
    return (await this.outcomes.apply(op, settled)).payment;
  }
}
