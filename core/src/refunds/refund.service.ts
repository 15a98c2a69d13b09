import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, isUniqueViolation } from '../db/database';
import { inTransaction } from '../db/transaction';
import { TenderError, notFound } from '../errors/tender-error';
import { newId } from '../ids/ids';
import { LOGGER, Logger } from '../logging/logger';
import { MerchantContext } from '../merchants/merchant-context';
import { BankOperationRepository } from '../banks/bank-operation';
import { BankRegistry } from '../banks/bank-registry';
import { callBank } from '../banks/bank-call';
import { CardVault } from '../vault/card-vault';
import { PaymentRepository } from '../payments/payment.repository';
import { PaymentService } from '../payments/payment.service';
import { PaymentStateWriter } from '../payments/payment-state-writer';
import { AnswerNotRecordedError, BankOutcomeApplier } from '../payments/bank-outcome';
import { Refund, RefundRepository } from './refund';
import { CreateRefundInput } from './refund-input';
import { CreateKeyRetention } from '../idempotency/create-key-retention';
import { TenderMetrics } from '../observability/metrics';

/**
 * Refunds of captured payments. The refund's amount is reserved on the payment
 * (amount_refund_pending) in the same transaction that creates it, so concurrent
 * refunds can never add up to more than was captured, and a refund the bank has
 * not confirmed yet cannot be lost: it stays pending until the reconciler settles it.
 *
 * @example
 * ```ts
 * const refund = await refunds.create(ctx, { payment_id: 'pay_...', amount: 5000 });
 * refund.status; // 'succeeded' | 'failed' | 'pending' (bank did not answer yet)
 * ```
 */
@injectable()
export class RefundService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(PaymentRepository) private readonly payments: PaymentRepository,
    @inject(PaymentService) private readonly paymentService: PaymentService,
    @inject(PaymentStateWriter) private readonly writer: PaymentStateWriter,
    @inject(RefundRepository) private readonly refunds: RefundRepository,
    @inject(BankOperationRepository) private readonly operations: BankOperationRepository,
    @inject(BankOutcomeApplier) private readonly outcomes: BankOutcomeApplier,
    @inject(BankRegistry) private readonly banks: BankRegistry,
    @inject(CardVault) private readonly vault: CardVault,
    @inject(CreateKeyRetention) private readonly createKeys: CreateKeyRetention,
    @inject(TenderMetrics) private readonly metrics: TenderMetrics,
  ) {}

  async create(ctx: MerchantContext, input: CreateRefundInput, idempotencyKey?: string): Promise<Refund> {
    const now = this.clock.now();
    // A replay answers the refund the key made, before any check of the payment: after a
    // full refund the payment is 'refunded' with nothing left, and checking it first
    // would answer a retry of a request that succeeded with 409.
    const replayed = idempotencyKey === undefined ? undefined : await this.replay(ctx, input, idempotencyKey);
    if (replayed !== undefined) return replayed;
    let step;
    for (let attempt = 0; step === undefined; attempt++) {
      try {
        step = await inTransaction(this.db, async (trx) => {
          const payment = await this.payments.find(trx, ctx, input.payment_id, { lock: true });
          if (payment === undefined) throw new TenderError('resource_not_found', { param: 'payment_id', message: `No such payment: '${input.payment_id}'.` });
          if (payment.status !== 'captured' && payment.status !== 'partially_refunded') {
            throw new TenderError('payment_invalid_state', {
              message: `Cannot refund: the payment is ${payment.status}; only captured payments can be refunded.`,
            });
          }
          const available = payment.amountCaptured - payment.amountRefunded - payment.amountRefundPending;
          const amount = input.amount ?? available;
          if (available <= 0 || amount > available) {
            throw new TenderError('amount_too_large', { param: 'amount', message: `At most ${Math.max(available, 0)} can still be refunded on this payment.` });
          }
          const original = await this.paymentService.requireAuthorization(trx, payment);
          const refund = await this.refunds.insert(trx, {
            id: newId('ref'),
            payment_id: payment.id,
            merchant_id: ctx.merchantId,
            livemode: ctx.livemode,
            status: 'pending',
            amount,
            currency: payment.currency,
            reason: input.reason ?? null,
            create_idempotency_key: idempotencyKey ?? null,
            created_at: now,
            updated_at: now,
          });
          const op = await this.operations.create(
            trx,
            {
              paymentId: payment.id,
              refundId: refund.id,
              merchantId: ctx.merchantId,
              livemode: ctx.livemode,
              kind: 'refund',
              adapterCode: original.adapterCode,
              amount,
              currency: payment.currency,
            },
            now,
          );
          const reserved = await this.writer.change(trx, payment, { amount_refund_pending: payment.amountRefundPending + amount }, now);
          return { payment: reserved, refund, op, original };
        });
      } catch (error) {
        // A concurrent request with the same key won the insert: answer its refund (or retry once if its key just expired).
        if (idempotencyKey === undefined || !isUniqueViolation(error) || attempt > 0) throw error;
        const existing = await this.replay(ctx, input, idempotencyKey);
        if (existing !== undefined) return existing;
      }
    }
    const { payment, op, original } = step;
    const adapter = this.banks.get(op.adapterCode);
    const result = await callBank(
      this.logger,
      'refund',
      async () => {
        // The PAN leaves the vault only for a bank whose refund message carries it.
        const pan =
          adapter.refundNeedsCard !== true || payment.cardToken === null ? undefined : await this.vault.reveal(payment.cardToken, ctx.merchantId, ctx.livemode);
        const card =
          pan === undefined || payment.card === null
            ? undefined
            : { number: pan, expMonth: payment.card.expMonth, expYear: payment.card.expYear, cvc: undefined, holderName: undefined };
        return adapter.refund({ ...(await this.paymentService.followUp(payment, op, original)), card });
      },
      { observer: this.metrics, target: { adapter: op.adapterCode } },
    );
    try {
      const outcome = await this.outcomes.apply(op, result);
      return outcome.refund ?? step.refund;
    } catch (error) {
      // The answer could not be recorded: the refund stays pending for the reconciler, as when the bank did not answer.
      if (error instanceof AnswerNotRecordedError) return step.refund;
      throw error;
    }
  }

  /**
   * The refund an earlier request with this key created, in its current state; undefined
   * when there is none or its key is past retention (released: the request is a new one).
   * The same key with another payment or amount is idempotency_key_reused.
   */
  private async replay(ctx: MerchantContext, input: CreateRefundInput, idempotencyKey: string): Promise<Refund | undefined> {
    const existing = await this.refunds.findByCreateKey(this.db, ctx, idempotencyKey);
    if (existing === undefined || (await this.createKeys.release(ctx, 'refunds', existing.id, existing.createdAt))) return undefined;
    if (existing.paymentId !== input.payment_id || (input.amount !== undefined && input.amount !== existing.amount))
      throw new TenderError('idempotency_key_reused');
    return existing;
  }

  async retrieve(ctx: MerchantContext, id: string): Promise<Refund> {
    const refund = await this.refunds.find(this.db, ctx, id);
    if (refund === undefined) throw notFound('refund', id);
    return refund;
  }

  /** A payment's refunds, newest first; the payment must be the caller's (else 404). */
  async listForPayment(ctx: MerchantContext, paymentId: string, limit: number, startingAfter?: string): Promise<{ refunds: Refund[]; hasMore: boolean }> {
    if ((await this.payments.find(this.db, ctx, paymentId)) === undefined) throw notFound('payment', paymentId);
    const page = await this.refunds.listForPayment(this.db, ctx, paymentId, limit, startingAfter);
    if (page === undefined) throw new TenderError('parameter_invalid', { param: 'starting_after', message: 'starting_after names no refund of this payment.' });
    return page;
  }
}
