import { inject, injectable } from 'tsyringe';
import {
  CLOCK,
  CONFIG,
  Clock,
  DATABASE,
  Database,
  MerchantContext,
  Payment,
  PaymentService,
  RefundService,
  TenderConfig,
  TenderError,
  parseInput,
  paymentView,
} from '@tender/core';
import { fromMinorUnits, toMinorUnits } from './saleor-amount';
import { SaleorInstallation } from './saleor-installation.service';
import { SaleorActionPayload, SaleorSessionPayload, SaleorSyncResponse, sessionDataSchema } from './saleor-payloads';
import { SaleorSavedCards } from './saleor-saved-cards';

/** The reason on refunds Saleor asked for; the reporter reports only the others. */
export const SALEOR_REFUND_REASON = 'Saleor TRANSACTION_REFUND_REQUESTED';

/**
 * The five transaction webhooks, answered with Saleor's result enums. The Tender
 * payment id is the transaction's pspReference. Outcomes the buyer brings about later
 * (paying on the hosted page) reach Saleor through SaleorReporter.
 *
 * @example
 * ```ts
 * const answer = await transactions.initialize(installation, payload);
 * answer.result; // 'CHARGE_ACTION_REQUIRED', answer.data.payment_url is the hosted page
 * ```
 */
@injectable()
export class SaleorTransactionService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(PaymentService) private readonly payments: PaymentService,
    @inject(RefundService) private readonly refunds: RefundService,
    @inject(SaleorSavedCards) private readonly savedCards: SaleorSavedCards,
  ) {}

  /**
   * TRANSACTION_INITIALIZE_SESSION: creates the payment, sends the buyer to the hosted
   * page. With `data.payment_method` (one of the signed-in user's saved cards) the
   * payment is confirmed with it at once, the buyer present; with
   * `data.setup_future_usage` the card the buyer pays with on the page is saved for
   * the user (when they tick the consent box). A refusal writes nothing.
   */
  async initialize(inst: SaleorInstallation, p: SaleorSessionPayload): Promise<SaleorSyncResponse> {
    const prefix = p.action.actionType === 'AUTHORIZATION' ? 'AUTHORIZATION' : 'CHARGE';
    let amount: number;
    let cards: { customer: string; payment_method?: string; setup_future_usage?: 'on_session' | 'off_session' } | undefined;
    try {
      amount = toMinorUnits(p.action.amount, p.action.currency);
      cards = await this.savedCardsOf(inst, p);
    } catch (error) {
      if (!(error instanceof TenderError)) throw error;
      return { result: `${prefix}_FAILURE`, amount: 0, message: messageOf(error) };
    }
    const returnUrl = typeof p.data?.return_url === 'string' && /^https?:\/\//.test(p.data.return_url) ? p.data.return_url : undefined;
    const payment = await this.payments
      .create(
        contextOf(inst),
        {
          amount,
          currency: p.action.currency.toUpperCase(),
          order_id: p.sourceObject?.id ?? p.transaction.id,
          capture_method: prefix === 'AUTHORIZATION' ? 'manual' : 'automatic',
          metadata: { saleor_transaction_id: p.transaction.id.slice(0, 500) },
          ...(returnUrl === undefined ? {} : { return_url: returnUrl }),
          ...(cards === undefined ? {} : { customer: cards.customer }),
          ...(cards?.setup_future_usage === undefined ? {} : { setup_future_usage: cards.setup_future_usage }),
          ...(cards?.payment_method === undefined ? {} : { confirm: true, payment_method: cards.payment_method }),
        },
        p.idempotencyKey === undefined || p.idempotencyKey === '' ? undefined : `saleor:${p.idempotencyKey}`.slice(0, 255),
      )
      .catch((error: unknown) => {
        // A refusal of the core (merchant_suspended, test_mode_expired, ...) is Saleor's failure result, not an HTTP error.
        if (error instanceof TenderError) return error;
        throw error;
      });
    if (payment instanceof TenderError) return { result: `${prefix}_FAILURE`, amount: fromMinorUnits(amount, p.action.currency), message: messageOf(payment) };
    const existing = await this.db('saleor_transactions').where({ payment_id: payment.id }).first();
    if (existing === undefined) {
      await this.db('saleor_transactions').insert({
        payment_id: payment.id,
        installation_id: inst.id,
        merchant_id: inst.merchantId,
        livemode: inst.livemode,
        transaction_id: p.transaction.id,
        action_type: prefix,
        reported_status: payment.status,
        created_at: this.clock.now(),
      });
    }
    return this.sessionAnswer(payment, prefix);
  }

  /** The saved-card part of the session's `data`, with the user's customer; undefined when there is none. */
  private async savedCardsOf(
    inst: SaleorInstallation,
    p: SaleorSessionPayload,
  ): Promise<{ customer: string; payment_method?: string; setup_future_usage?: 'on_session' | 'off_session' } | undefined> {
    const data = parseInput(sessionDataSchema, { payment_method: p.data?.payment_method, setup_future_usage: p.data?.setup_future_usage });
    if (data.payment_method === undefined && data.setup_future_usage === undefined) return undefined;
    const need = { savedCard: data.payment_method !== undefined, save: data.setup_future_usage !== undefined };
    const customer = await this.savedCards.customerForSession(inst, p.sourceObject?.user?.id ?? undefined, need);
    return { customer, ...data };
  }

  /** TRANSACTION_PROCESS_SESSION: the storefront asks where the payment stands. */
  async process(inst: SaleorInstallation, p: SaleorSessionPayload): Promise<SaleorSyncResponse> {
    const payment = await this.paymentOf(inst, p.transaction.pspReference);
    const prefix = payment.captureMethod === 'manual' ? 'AUTHORIZATION' : 'CHARGE';
    await this.markReported(payment);
    return this.sessionAnswer(payment, prefix);
  }

  /** TRANSACTION_CHARGE_REQUESTED: captures (in part or in full) an authorization. */
  async charge(inst: SaleorInstallation, p: SaleorActionPayload): Promise<SaleorSyncResponse> {
    return this.act(inst, p, 'CHARGE', async (ctx, payment, amount) => {
      const captured = await this.payments.capture(ctx, payment.id, amount);
      return { payment: captured, ok: captured.status === 'captured' || captured.status === 'partially_refunded' };
    });
  }

  /** TRANSACTION_REFUND_REQUESTED */
  async refund(inst: SaleorInstallation, p: SaleorActionPayload): Promise<SaleorSyncResponse> {
    return this.act(inst, p, 'REFUND', async (ctx, payment, amount) => {
      const refund = await this.refunds.create(ctx, { payment_id: payment.id, amount, reason: SALEOR_REFUND_REASON });
      return { payment: await this.payments.retrieve(ctx, payment.id), ok: refund.status === 'succeeded', pending: refund.status === 'pending' };
    });
  }

  /** TRANSACTION_CANCELATION_REQUESTED: voids an authorization or closes an unpaid payment. */
  async cancel(inst: SaleorInstallation, p: SaleorActionPayload): Promise<SaleorSyncResponse> {
    return this.act(inst, p, 'CANCEL', async (ctx, payment) => {
      const canceled = await this.payments.cancel(ctx, payment.id);
      return { payment: canceled, ok: canceled.status === 'canceled' };
    });
  }

  private async act(
    inst: SaleorInstallation,
    p: SaleorActionPayload,
    prefix: 'CHARGE' | 'REFUND' | 'CANCEL',
    run: (ctx: MerchantContext, payment: Payment, amount: number | undefined) => Promise<{ payment: Payment; ok: boolean; pending?: boolean }>,
  ): Promise<SaleorSyncResponse> {
    const payment = await this.paymentOf(inst, p.transaction.pspReference);
    const requested = p.action.amount === undefined || p.action.amount === null ? undefined : p.action.amount;
    try {
      const amount = requested === undefined || prefix === 'CANCEL' ? undefined : toMinorUnits(requested, payment.currency);
      const outcome = await run(contextOf(inst), payment, amount);
      await this.markReported(outcome.payment);
      const answerAmount = amount === undefined ? fromMinorUnits(payment.amount, payment.currency) : fromMinorUnits(amount, payment.currency);
      if (outcome.pending === true) return { pspReference: payment.id, amount: answerAmount };
      return { pspReference: payment.id, result: `${prefix}_${outcome.ok ? 'SUCCESS' : 'FAILURE'}`, amount: answerAmount };
    } catch (error) {
      if (!(error instanceof TenderError)) throw error;
      return { pspReference: payment.id, result: `${prefix}_FAILURE`, amount: requested === undefined ? 0 : Number(requested), message: messageOf(error) };
    }
  }

  private sessionAnswer(payment: Payment, prefix: 'CHARGE' | 'AUTHORIZATION'): SaleorSyncResponse {
    const view = paymentView(payment, this.config.publicUrl);
    const base = { pspReference: payment.id, amount: fromMinorUnits(payment.amount, payment.currency), externalUrl: view.payment_url };
    switch (payment.status) {
      case 'captured':
      case 'partially_refunded':
      case 'refunded':
        return { ...base, result: 'CHARGE_SUCCESS' };
      case 'authorized':
        return { ...base, result: 'AUTHORIZATION_SUCCESS' };
      case 'declined':
      case 'failed':
      case 'canceled':
        return { ...base, result: `${prefix}_FAILURE`, message: payment.failureMessage ?? `The payment is ${payment.status}.` };
      default:
        return { ...base, result: `${prefix}_ACTION_REQUIRED`, data: { payment_url: view.payment_url, payment_id: payment.id } };
    }
  }

  private async paymentOf(inst: SaleorInstallation, pspReference: string | null | undefined): Promise<Payment> {
    if (typeof pspReference !== 'string' || !/^pay_[0-9A-Za-z]{1,40}$/.test(pspReference))
      throw new TenderError('parameter_invalid', { param: 'transaction.pspReference' });
    const link = await this.db('saleor_transactions').where({ payment_id: pspReference, installation_id: inst.id }).first();
    if (link === undefined) throw new TenderError('resource_not_found', { message: `No such Saleor transaction: '${pspReference}'.` });
    return this.payments.retrieve(contextOf(inst), pspReference);
  }

  /** Saleor already learnt this state from the webhook answer: the reporter must not repeat it. */
  private async markReported(payment: Payment): Promise<void> {
    await this.db('saleor_transactions').where({ payment_id: payment.id }).update({ reported_status: payment.status });
  }
}

export function contextOf(inst: SaleorInstallation): MerchantContext {
  return { merchantId: inst.merchantId, livemode: inst.livemode };
}

function messageOf(error: unknown): string {
  return error instanceof TenderError ? `${error.code}: ${error.message}` : 'internal error';
}
