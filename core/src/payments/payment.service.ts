import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { DATABASE, Database, Queryable, Transaction, isUniqueViolation } from '../db/database';
import { causalFirst } from '../db/causal-read';
import { inTransaction } from '../db/transaction';
import { TenderError, notFound } from '../errors/tender-error';
import { newId, randomToken } from '../ids/ids';
import { LOGGER, Logger } from '../logging/logger';
import { MerchantContext } from '../merchants/merchant-context';
import { MerchantStanding, StandingContext } from '../merchants/merchant-standing';
import { AuthenticatedPayer } from '../certificates/certificate-authenticator';
import { BankResult, FollowUpRequest } from '../banks/bank-adapter';
import { BankRegistry } from '../banks/bank-registry';
import { BankOperation, BankOperationRepository } from '../banks/bank-operation';
import { callBank } from '../banks/bank-call';
import { BankRouter } from '../routing/bank-router';
import { attemptRoute } from '../routing/payment-attempt.repository';
import { EventOutbox } from '../notifications/event-outbox';
import { Payment, paymentFromRow } from './payment';
import { PaymentListFilter, PaymentRepository } from './payment.repository';
import { PaymentStateWriter } from './payment-state-writer';
import { BankOutcomeApplier } from './bank-outcome';
import { AuthorizationAttempts } from './authorization-attempts';
import { CreatePaymentInput, PaymentMethodInput } from './payment-input';
import { assertTransition } from './payment-state-machine';
import { paymentView } from './payment-view';
import { CreateKeyRetention } from '../idempotency/create-key-retention';
import { RiskEngine } from '../monitoring/risk-engine';
import { RiskCustomer } from '../monitoring/risk-assessment';
import { TenderMetrics } from '../observability/metrics';
import { AddonSubmission } from '../methods/method-part-addon';
import { CustomerDirectorySlot } from '../customers/customer-directory';
import { RiskAssessment } from '../monitoring/risk-assessment';
import { ConfirmPreparation, PreparedConfirm } from './confirm-preparation';
import { checkedDiscount } from './amount-adjuster.registry';

/** How a confirm was made: on the hosted page (the buyer present), and by which proven payer. */
export interface ConfirmPresentation {
  readonly buyerPresent: boolean;
  readonly payer?: AuthenticatedPayer;
  /**
   * Authorize only to verify the method (a setup that charges nothing): the bank is
   * asked with `AuthorizationRequest.verification`; the caller voids the approval.
   */
  readonly verification?: boolean;
  /** What the hosted page's method-part add-ons made of the buyer's post (MethodPartAddon). */
  readonly addons?: readonly AddonSubmission[];
  /** The API's `adjustments` on confirm: input for registered AmountAdjusters by name. */
  readonly adjustments?: Readonly<Record<string, unknown>>;
}

/** The confirm's first transaction's result: the payment, its pending operation (none when risk blocked it), risk's verdict. */
interface ConfirmStep {
  readonly payment: Payment;
  readonly op: BankOperation | undefined;
  readonly risk: RiskAssessment | undefined;
}

/** A confirm leaves no card columns from an earlier attempt; the instrument's `record` sets its own. */
const NO_CARD = {
  card_token: null,
  card_fingerprint: null,
  card_brand: null,
  card_bin: null,
  card_last4: null,
  card_exp_month: null,
  card_exp_year: null,
} as const;

/**
 * Payments from creation to capture or cancellation. Each operation is three
 * steps: (1) a transaction checks the state machine, records the bank operation as
 * pending and marks the payment busy; (2) the bank is asked outside any
 * transaction; (3) a transaction applies the answer. A crash between steps leaves
 * a pending operation the reconciler settles; a concurrent second request finds
 * the payment busy or already moved and gets a 409, never a second charge.
 *
 * What takes money (create, confirm, capture) first asks MerchantStanding whether the
 * merchant may take payments in this mode (not suspended, live if live, test mode not
 * over), so no caller can forget it; what gives money back (cancel here, refunds in
 * RefundService) is never refused for standing. A ctx that carries the standing read
 * with the API key costs no extra statement.
 *
 * @example
 * ```ts
 * const payment = await payments.create(ctx, { amount: 150000, currency: 'RUB', order_id: 'A-1', capture_method: 'manual' });
 * await payments.confirm(ctx, payment.id, { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } });
 * await payments.capture(ctx, payment.id, 100000); // partial capture
 * ```
 */
@injectable()
export class PaymentService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(PaymentRepository) private readonly payments: PaymentRepository,
    @inject(PaymentStateWriter) private readonly writer: PaymentStateWriter,
    @inject(EventOutbox) private readonly outbox: EventOutbox,
    @inject(BankOperationRepository) private readonly operations: BankOperationRepository,
    @inject(BankOutcomeApplier) private readonly outcomes: BankOutcomeApplier,
    @inject(BankRouter) private readonly router: BankRouter,
    @inject(BankRegistry) private readonly banks: BankRegistry,
    @inject(CreateKeyRetention) private readonly createKeys: CreateKeyRetention,
    @inject(AuthorizationAttempts) private readonly attempts: AuthorizationAttempts,
    @inject(RiskEngine) private readonly risk: RiskEngine,
    @inject(MerchantStanding) private readonly standing: MerchantStanding,
    @inject(TenderMetrics) private readonly metrics: TenderMetrics,
    @inject(ConfirmPreparation) private readonly preparation: ConfirmPreparation,
    @inject(CustomerDirectorySlot) private readonly customers: CustomerDirectorySlot,
  ) {}

  /**
   * Creates a payment; with `confirm: true` also confirms it in the same request
   * (the buyer not present, `off_session` for a merchant-initiated payment). The
   * confirm's checks (the method's input, the instrument built against the payment
   * about to be inserted, the route, `customer` against the CustomerDirectory) run
   * before anything is written: a refusal writes nothing, not even the payment.
   * The row, its `payment.created` event and the confirm's first step share one
   * transaction.
   */
  async create(ctx: StandingContext, input: CreatePaymentInput, idempotencyKey?: string): Promise<Payment> {
    await this.standing.assertMayTakePayments(ctx);
    const now = this.clock.now();
    const chosen = input.confirm === true && input.payment_method !== undefined ? this.preparation.methodOf(input.payment_method) : undefined;
    if (input.customer !== undefined) await this.assertCustomer(ctx, input.customer);
    const row = {
      id: newId('pay'),
      merchant_id: ctx.merchantId,
      livemode: ctx.livemode,
      status: 'pending',
      amount: input.amount,
      amount_captured: 0,
      amount_refunded: 0,
      amount_refund_pending: 0,
      currency: input.currency,
      order_id: input.order_id,
      description: input.description ?? null,
      capture_method: input.capture_method,
      return_url: input.return_url ?? null,
      customer_email: input.customer_email ?? null,
      metadata: input.metadata === undefined ? null : JSON.stringify(input.metadata),
      locale: input.locale ?? null,
      customer_id: input.customer ?? null,
      setup_future_usage: input.setup_future_usage ?? null,
      off_session: input.off_session === true,
      page_token: randomToken(32),
      create_idempotency_key: idempotencyKey ?? null,
      version: 0,
      created_at: now,
      updated_at: now,
    };
    // The confirm is prepared against the payment as it will be inserted.
    const prepared =
      chosen === undefined
        ? undefined
        : await this.preparation.prepare(ctx, paymentFromRow({ ...row, seq: 0 }), chosen, undefined, { buyerPresent: false }, now);
    // At most two rounds: the second only after freeing a key older than its retention period.
    for (let attempt = 0; ; attempt++) {
      try {
        const step = await inTransaction(this.db, async (trx) => {
          const seq = await this.payments.insert(trx, row);
          const payment = paymentFromRow({ ...row, seq });
          await this.outbox.record(trx, {
            merchantId: ctx.merchantId,
            livemode: ctx.livemode,
            type: 'payment.created',
            objectType: 'payment',
            objectId: payment.id,
            data: paymentView(payment, this.config.publicUrl),
          });
          return prepared === undefined ? { payment, op: undefined, risk: undefined } : this.beginConfirm(trx, ctx, payment, prepared, now);
        });
        return prepared === undefined ? step.payment : await this.finishConfirm(ctx, step, prepared);
      } catch (error) {
        // The same key already created a payment (a retry after a crash or a lost answer).
        if (idempotencyKey === undefined || !isUniqueViolation(error) || attempt > 0) throw error;
        const existing = await this.payments.findByCreateKey(this.db, ctx, idempotencyKey);
        if (existing === undefined) throw error;
        if (await this.createKeys.release(ctx, 'payments', existing.id, existing.createdAt)) continue;
        const sameRequest =
          existing.amountGross === input.amount &&
          existing.currency === input.currency &&
          existing.orderId === input.order_id &&
          existing.customerId === (input.customer ?? null) &&
          existing.offSession === (input.off_session === true);
        if (!sameRequest) throw new TenderError('idempotency_key_reused');
        return existing;
      }
    }
  }

  /** `customer` must be one the registered CustomerDirectory knows for this merchant and mode. */
  private async assertCustomer(ctx: MerchantContext, id: string): Promise<void> {
    const directory = this.customers.directory;
    if (directory === undefined)
      throw new TenderError('parameter_unknown', { param: 'customer', message: 'Unknown parameter: customer (no plugin keeps customers here).' });
    if (!(await directory.exists(this.db, { merchantId: ctx.merchantId, livemode: ctx.livemode }, id))) throw notFound('customer', id);
  }

  async retrieve(ctx: MerchantContext, id: string): Promise<Payment> {
    const payment = await this.payments.find(this.db, ctx, id);
    if (payment === undefined) throw notFound('payment', id);
    return payment;
  }

  /**
   * The payment as the caller's transaction (or connection) sees it, e.g. inside an
   * EventListener, where a read through the pool would not see the uncommitted row.
   *
   * @example
   * ```ts
   * ctx.registerEventListener({ async onEvent(q, event) { const payment = await payments.findIn(q, event, event.objectId); } });
   * ```
   */
  async findIn(q: Queryable, ctx: MerchantContext, id: string): Promise<Payment | undefined> {
    return this.payments.find(q, ctx, id);
  }

  async list(ctx: MerchantContext, filter: PaymentListFilter): Promise<{ payments: Payment[]; hasMore: boolean }> {
    const page = await this.payments.list(this.db, ctx, filter);
    if (page === undefined) throw new TenderError('parameter_invalid', { param: 'starting_after', message: 'starting_after names no payment of yours.' });
    return page;
  }

  /**
   * Confirms with any registered method (PaymentMethod): its input is parsed with the
   * method's schema and turned into an instrument before any row is written or any
   * bank asked; the route keeps the connections whose adapter supports the method's
   * capability (MethodRouting); risk is assessed when the instrument brings card
   * facts. `presentation.buyerPresent` is true when the buyer's browser is on
   * Tender's own page (the hosted page), which can show a 3-D Secure challenge; the
   * API path cannot. `presentation.payer` is the payer a CertificateAuthenticator
   * proved, for methods that need one.
   *
   * `payment` is the payment's id, or the payment as this request has just read it
   * (the API's confirm gets it with its key, merchantAuth): then it is not read again.
   * Either way every write is conditional on the version read, so a change made since
   * is caught, never overwritten.
   */
  async confirm(
    ctx: StandingContext,
    payment: string | Payment,
    paymentMethod: PaymentMethodInput,
    customer?: RiskCustomer,
    presentation: ConfirmPresentation = { buyerPresent: false },
  ): Promise<Payment> {
    await this.standing.assertMayTakePayments(ctx);
    const now = this.clock.now();
    // Everything the buyer sent is checked before any row is written or any bank asked.
    const chosen = this.preparation.methodOf(paymentMethod);
    const target = typeof payment === 'string' ? await this.retrieve(ctx, payment) : ownPayment(ctx, payment);
    const prepared = await this.preparation.prepare(ctx, target, chosen, customer, presentation, now);
    const step = await inTransaction(this.db, (trx) => this.beginConfirm(trx, ctx, target, prepared, now));
    return this.finishConfirm(ctx, step, prepared);
  }

  /** The confirm's first transaction: claim, risk, the pending bank operation, what the instrument and add-ons record. */
  private async beginConfirm(trx: Transaction, ctx: MerchantContext, target: Payment, prepared: PreparedConfirm, now: number): Promise<ConfirmStep> {
    const { method, instrument, plan } = prepared;
    // A replayed proof (a signed request's nonce) is refused before anything else.
    await instrument.claim?.(trx);
    // First after that: confirms sharing a card, IP or e-mail are assessed one
    // after the other, each seeing the attempts before it, so thresholds hold.
    const risk = prepared.risk === undefined ? undefined : await this.risk.assessLocked(trx, prepared.risk, target, { canChallenge: prepared.canChallenge });
    // No locking read: `target` was read before this transaction (or inserted by it),
    // and the payment's UPDATE below is conditional on its version, so a confirm that
    // raced another change rolls back with 409 (ConcurrentPaymentUpdateError). That
    // condition, not a row lock, is the guarantee (row locks do not span Galera nodes).
    const locked = this.assertFree(target);
    assertTransition(locked.status, 'processing', 'confirm this payment');
    if (risk?.action === 'block') return { payment: await this.risk.decline(trx, locked, risk, method.type), op: undefined, risk };
    // Every confirm starts from what the merchant asked for; the adjustments' writes share this transaction.
    let amountDue = locked.amountGross;
    for (const adjustment of prepared.adjustments)
      amountDue -= checkedDiscount(await adjustment.apply(trx, { payment: locked, amountDue, cardFingerprint: instrument.risk?.fingerprint, now }), amountDue);
    const op = await this.operations.create(
      trx,
      {
        paymentId: locked.id,
        merchantId: ctx.merchantId,
        livemode: ctx.livemode,
        kind: locked.captureMethod === 'automatic' && risk?.action !== 'review' ? 'sale' : 'authorize',
        adapterCode: plan[0].adapterCode,
        amount: amountDue,
        currency: locked.currency,
      },
      now,
      attemptRoute(plan[0]),
    );
    const facts = { payment: locked, operationId: op.id, now };
    const columns = await instrument.record(trx, facts);
    for (const addon of prepared.presentation.addons ?? []) await addon.record?.(trx, facts);
    const payment = await this.writer.change(
      trx,
      locked,
      {
        status: 'processing',
        amount: amountDue,
        amount_gross: locked.amountGross,
        amount_discount: locked.amountGross - amountDue,
        // Core's record of how the payment was paid (the dashboard filters by it).
        method_type: method.type,
        ...NO_CARD,
        ...columns,
        payment_method_id: instrument.paymentMethodId ?? null,
        ...(prepared.addonSetupFutureUsage === undefined ? {} : { setup_future_usage: prepared.addonSetupFutureUsage }),
        failure_code: null,
        failure_message: null,
        operation_in_progress: op.id,
        ...(risk === undefined ? {} : this.risk.paymentPatch(risk)),
      },
      now,
      'confirm this payment',
    );
    if (risk !== undefined) await this.risk.record(trx, payment, risk);
    return { payment, op, risk };
  }

  /** After the first transaction: the bank along the route (failover in AuthorizationAttempts), then risk's settling. */
  private async finishConfirm(ctx: MerchantContext, step: ConfirmStep, prepared: PreparedConfirm): Promise<Payment> {
    const { payment, op, risk } = step;
    const { method, instrument, plan, presentation } = prepared;
    const settle = (p: Payment): Promise<Payment> | Payment => (risk === undefined ? p : this.risk.settle(p, risk));
    if (op === undefined) {
      // Blocked by risk before any bank saw it.
      this.metrics.confirmation({ status: payment.status, method: method.type, bank: undefined });
      return settle(payment);
    }
    const settled = await this.attempts.run(ctx, payment, op, plan, {
      capability: method.capability,
      method: method.type,
      instrument: instrument.bank,
      payment: {
        paymentId: payment.id,
        amount: payment.amount,
        currency: payment.currency,
        capture: op.kind === 'sale',
        livemode: payment.livemode,
        // A risk challenge: the bank is asked to authenticate the cardholder whatever the card.
        ...(risk?.action === 'challenge' ? { requireAuthentication: true } : {}),
        ...(presentation.verification === true ? { verification: true } : {}),
      },
    });
    return settle(settled);
  }

  /** The payment behind a hosted-page token (the buyer's capability), for methods confirmed by the payer. */
  async findByPageToken(token: string): Promise<Payment | undefined> {
    if (!/^[0-9A-Za-z]{20,64}$/.test(token)) return undefined;
    // A hosted-page request's first read: on a Galera cluster it waits for the create made through another node (causal-read.ts).
    const [row] = await causalFirst(this.db, this.db('payments').where({ page_token: token }).limit(1));
    return row === undefined ? undefined : paymentFromRow(row);
  }

  async capture(ctx: StandingContext, id: string, amount: number | undefined): Promise<Payment> {
    await this.standing.assertMayTakePayments(ctx);
    const now = this.clock.now();
    const { payment, op, original } = await inTransaction(this.db, async (trx) => {
      const current = await this.lockForOperation(trx, ctx, id);
      assertTransition(current.status, 'captured', 'capture this payment');
      await this.risk.assertCapturable(trx, current);
      const captureAmount = amount ?? current.amount;
      if (captureAmount > current.amount) {
        throw new TenderError('amount_too_large', { param: 'amount', message: `At most ${current.amount} (the authorized amount) can be captured.` });
      }
      const original = await this.requireAuthorization(trx, current);
      const op = await this.operations.create(
        trx,
        {
          paymentId: current.id,
          merchantId: ctx.merchantId,
          livemode: ctx.livemode,
          kind: 'capture',
          adapterCode: original.adapterCode,
          amount: captureAmount,
          currency: current.currency,
        },
        now,
      );
      const payment = await this.writer.change(trx, current, { operation_in_progress: op.id }, now);
      return { payment, op, original };
    });
    const result = await callBank(this.logger, 'capture', async () => this.banks.get(op.adapterCode).capture(await this.followUp(payment, op, original)), {
      observer: this.metrics,
      target: { adapter: op.adapterCode },
    });
    const outcome = await this.outcomes.apply(op, result, payment);
    return this.settledOrThrow(outcome.payment, result, 'capture');
  }

  async cancel(ctx: MerchantContext, id: string): Promise<Payment> {
    const now = this.clock.now();
    const step = await inTransaction(this.db, async (trx) => {
      const current = await this.lockForOperation(trx, ctx, id);
      assertTransition(current.status, 'canceled', 'cancel this payment');
      if (current.status !== 'authorized') {
        // Nothing was authorized at a bank, so there is nothing to void.
        return { kind: 'done', payment: await this.writer.change(trx, current, { status: 'canceled' }, now, 'cancel this payment') } as const;
      }
      const original = await this.requireAuthorization(trx, current);
      const op = await this.operations.create(
        trx,
        {
          paymentId: current.id,
          merchantId: ctx.merchantId,
          livemode: ctx.livemode,
          kind: 'void',
          adapterCode: original.adapterCode,
          amount: current.amount,
          currency: current.currency,
        },
        now,
      );
      const payment = await this.writer.change(trx, current, { operation_in_progress: op.id }, now);
      return { kind: 'void', payment, op, original } as const;
    });
    if (step.kind === 'done') return step.payment;
    const result = await callBank(
      this.logger,
      'void',
      async () => this.banks.get(step.op.adapterCode).void(await this.followUp(step.payment, step.op, step.original)),
      { observer: this.metrics, target: { adapter: step.op.adapterCode } },
    );
    const outcome = await this.outcomes.apply(step.op, result, step.payment);
    return this.settledOrThrow(outcome.payment, result, 'cancel');
  }

  /** Reads the payment under a row lock and refuses when another bank operation is running on it. */
  async lockForOperation(trx: Transaction, ctx: MerchantContext, id: string): Promise<Payment> {
    const current = await this.payments.find(trx, ctx, id, { lock: true });
    if (current === undefined) throw notFound('payment', id);
    return this.assertFree(current);
  }

  /** Refuses a payment another bank operation is running on. */
  private assertFree(payment: Payment): Payment {
    if (payment.operationInProgress !== null) throw new TenderError('payment_operation_in_progress');
    return payment;
  }

  async requireAuthorization(trx: Transaction, payment: Payment): Promise<BankOperation> {
    const original = await this.operations.findApprovedAuthorization(trx, payment.id);
    if (original === undefined) throw new Error(`payment ${payment.id} is ${payment.status} but has no approved authorization`);
    return original;
  }

  /** The request for a capture, void or refund that follows `original`. */
  async followUp(payment: Payment, op: BankOperation, original: BankOperation): Promise<FollowUpRequest> {
    return {
      reference: op.id,
      paymentId: payment.id,
      original: {
        reference: original.id,
        authorizationCode: original.authorizationCode ?? undefined,
        rrn: original.rrn ?? undefined,
        bankReference: original.bankReference ?? undefined,
        amount: original.amount,
        cardBin: payment.card?.bin,
        cardLast4: payment.card?.last4,
      },
      amount: op.amount,
      currency: op.currency,
      livemode: payment.livemode,
      connection: await this.router.termsForFollowUp(payment, original.id),
    };
  }

  private settledOrThrow(payment: Payment, result: BankResult | { kind: 'unknown' }, what: string): Payment {
    if (result.kind === 'approved') return payment;
    if (result.kind === 'unknown')
      throw new TenderError('bank_outcome_unknown', { message: `The bank did not answer the ${what} in time; Tender will resolve it and report the outcome.` });
    if (result.kind === 'declined') throw new TenderError('bank_declined', { message: `The bank declined the ${what} (${result.reason}).` });
    throw new TenderError('bank_unavailable', { message: `The bank could not complete the ${what} now; it was not applied.` });
  }
}

/** A payment the caller read itself, checked to be the caller's: another tenant's is "no such payment". */
function ownPayment(ctx: MerchantContext, payment: Payment): Payment {
  if (payment.merchantId !== ctx.merchantId || payment.livemode !== ctx.livemode) throw notFound('payment', payment.id);
  return payment;
}
