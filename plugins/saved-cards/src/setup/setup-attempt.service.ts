import { MerchantContext, Payment, TenderError, inTransaction, newId, notFound, parseCardInput, paymentView } from '@tender/core';
import { SavedCardsDeps } from '../saved-cards-deps';
import { SetupAttempt, SetupAttemptView, setupAttemptFromRow } from './setup-attempt';
import { CreateSetupAttemptInput } from './setup-attempt-input';

/** A claim on a voiding attempt older than this is taken as left by a process that died. */
const VOID_LEASE_MS = 60_000;
/** A setup the buyer has not finished after this long is given up (its payment canceled). */
const SETUP_TTL_MS = 24 * 3600_000;
/** Payment states while the buyer has still to act. */
const WAITING_STATES = new Set(['pending', 'requires_action']);
/** Payment states after which the verification payment can no longer succeed. */
const FAILED_STATES = new Set(['declined', 'failed', 'canceled']);

/**
 * Setup without charging, built from core's public services: a verification payment
 * (manual capture, the operator's `verificationAmount`, `setup_future_usage` set,
 * for the customer) confirmed with `verification: true` (the bank may verify with a
 * zero-amount account verification), then voided at once. The card saver saves the
 * card when the payment is authorized, exactly as for a paying customer; the
 * setup attempt records which card it became.
 *
 * With card data the whole setup happens in the request. Without it, `setup_url` is
 * the verification payment's hosted page (card form with the consent box); the
 * approval is voided by `settle`, which the background sweep and every read of the
 * attempt run. Two processes settling the same attempt: one conditional update
 * claims the void.
 *
 * @example
 * ```ts
 * const setup = await setups.create(ctx, { customer: 'cus_...', currency: 'RUB', usage: 'off_session', payment_method: { type: 'card', card } });
 * setup.status; // 'succeeded'; setup.payment_method: 'pm_...'
 * ```
 */
export class SetupAttemptService {
  constructor(private readonly deps: SavedCardsDeps) {}

  async create(ctx: MerchantContext, input: CreateSetupAttemptInput): Promise<SetupAttemptView> {
    const { core } = this.deps;
    // Everything the request can get wrong is refused before anything is written.
    if (input.payment_method !== undefined) parseCardInput(input.payment_method.card, new Date(core.clock.now()));
    if ((await this.deps.customers.find(core.database, ctx, input.customer)) === undefined) throw notFound('customer', input.customer);
    const payment = await core.payments.create(ctx, {
      amount: Math.max(1, this.deps.options.verificationAmount),
      currency: input.currency,
      order_id: `setup-${newId('seti').slice(5, 21)}`,
      description: 'Card verification (voided at once)',
      capture_method: 'manual',
      customer: input.customer,
      setup_future_usage: input.usage,
      ...(input.return_url === undefined ? {} : { return_url: input.return_url }),
      ...(input.locale === undefined ? {} : { locale: input.locale }),
      ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
    });
    const id = newId('seti');
    const now = core.clock.now();
    await core.database('setup_attempts').insert({
      id,
      merchant_id: ctx.merchantId,
      livemode: ctx.livemode,
      customer_id: input.customer,
      payment_id: payment.id,
      usage: input.usage,
      status: 'pending',
      created_at: now,
      updated_at: now,
    });
    if (input.payment_method !== undefined) {
      try {
        await core.payments.confirm(ctx, payment.id, input.payment_method, undefined, { buyerPresent: false, verification: true });
      } catch (error) {
        // A bank that refuses leaves a declined or failed payment: the attempt failed, the answer says why.
        if (!(error instanceof TenderError)) throw error;
      }
    }
    return this.retrieve(ctx, id);
  }

  /** The attempt, settled first (an approved verification is voided now rather than at the next sweep). */
  async retrieve(ctx: MerchantContext, id: string): Promise<SetupAttemptView> {
    const attempt = await this.find(ctx, id);
    if (attempt === undefined) throw notFound('setup_attempt', id);
    const settled = await this.settle(attempt);
    return this.view(settled, await this.deps.core.payments.retrieve(ctx, settled.paymentId));
  }

  /**
   * One sweep: settles up to 50 open attempts, least recently looked at first (each
   * look moves an attempt to the back, so attempts the buyer never finishes do not
   * hold the others up; after a day they are given up).
   */
  async sweep(): Promise<number> {
    const now = this.deps.core.clock.now();
    const rows: Array<Record<string, unknown>> = await this.deps.core
      .database('setup_attempts')
      .where((w) => w.where({ status: 'pending' }).orWhere((v) => v.where({ status: 'voiding' }).andWhere('updated_at', '<', now - VOID_LEASE_MS)))
      .orderBy('updated_at', 'asc')
      .limit(50);
    let settled = 0;
    for (const attempt of rows.map(setupAttemptFromRow)) {
      if ((await this.settle(attempt)).status !== attempt.status) settled += 1;
    }
    return settled;
  }

  /** Voids an approved verification (claimed by one process), or records the failure. */
  private async settle(attempt: SetupAttempt): Promise<SetupAttempt> {
    if (attempt.status === 'succeeded' || attempt.status === 'failed') return attempt;
    const ctx: MerchantContext = { merchantId: attempt.merchantId, livemode: attempt.livemode };
    const { core } = this.deps;
    const payment = await core.payments.retrieve(ctx, attempt.paymentId);
    const now = core.clock.now();
    if (payment.status === 'authorized') {
      const claimed = await core
        .database('setup_attempts')
        .where({ id: attempt.id, merchant_id: ctx.merchantId, livemode: ctx.livemode })
        .where((w) => w.where({ status: 'pending' }).orWhere((v) => v.where({ status: 'voiding' }).andWhere('updated_at', '<', now - VOID_LEASE_MS)))
        .update({ status: 'voiding', updated_at: now });
      if (claimed !== 1) return (await this.find(ctx, attempt.id)) ?? attempt;
      await core.payments.cancel(ctx, payment.id);
      return this.finish(ctx, attempt, 'succeeded', null);
    }
    if (payment.status === 'canceled' && attempt.status === 'voiding') return this.finish(ctx, attempt, 'succeeded', null);
    // Given up by another process (a sweep, a read) that canceled the payment once the day had run out
    // and has not recorded why yet: the same reason. (A cancel within the day is the merchant's: below.)
    if (payment.status === 'canceled' && attempt.status === 'pending' && payment.updatedAt - attempt.createdAt >= SETUP_TTL_MS)
      return this.finish(ctx, attempt, 'failed', 'setup_expired');
    if (FAILED_STATES.has(payment.status)) return this.finish(ctx, attempt, 'failed', payment.failureCode ?? payment.status);
    if (attempt.status === 'pending' && WAITING_STATES.has(payment.status)) {
      if (now - attempt.createdAt < SETUP_TTL_MS) {
        await core
          .database('setup_attempts')
          .where({ id: attempt.id, merchant_id: ctx.merchantId, livemode: ctx.livemode, status: 'pending' })
          .update({ updated_at: now });
        return attempt;
      }
      // Abandoned: the payment is canceled (a later confirm cannot charge it) and the attempt fails.
      try {
        await core.payments.cancel(ctx, payment.id);
      } catch (error) {
        if (!(error instanceof TenderError)) throw error;
        // Canceled meanwhile by another process giving the attempt up too: record the same outcome
        // (finish writes only while the attempt is open, so both writing it is harmless). Otherwise
        // not cancelable just now (the buyer is confirming): the next sweep looks again.
        if ((await core.payments.retrieve(ctx, payment.id)).status !== 'canceled') return attempt;
      }
      return this.finish(ctx, attempt, 'failed', 'setup_expired');
    }
    return attempt;
  }

  private async finish(ctx: MerchantContext, attempt: SetupAttempt, status: 'succeeded' | 'failed', failureCode: string | null): Promise<SetupAttempt> {
    await inTransaction(this.deps.core.database, async (trx) => {
      const paymentMethodId = await this.deps.consents.paymentMethodOf(trx, ctx, attempt.paymentId);
      // An approval that saved no card (the buyer left the consent box unticked, or the customer was erased meanwhile) is no setup.
      const outcome =
        status === 'succeeded' && paymentMethodId === null ? { status: 'failed', failure_code: 'card_not_saved' } : { status, failure_code: failureCode };
      await trx('setup_attempts')
        .where({ id: attempt.id, merchant_id: ctx.merchantId, livemode: ctx.livemode })
        .whereIn('status', ['pending', 'voiding'])
        .update({ ...outcome, payment_method_id: paymentMethodId, updated_at: this.deps.core.clock.now() });
    });
    return (await this.find(ctx, attempt.id)) ?? attempt;
  }

  private async find(ctx: MerchantContext, id: string): Promise<SetupAttempt | undefined> {
    const row = await this.deps.core.database('setup_attempts').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
    return row === undefined ? undefined : setupAttemptFromRow(row);
  }

  private view(a: SetupAttempt, payment: Payment): SetupAttemptView {
    const open = a.status === 'pending' && (payment.status === 'pending' || payment.status === 'requires_action');
    const status: SetupAttemptView['status'] =
      a.status === 'succeeded' || a.status === 'failed'
        ? a.status
        : payment.status === 'pending'
          ? 'requires_payment_method'
          : payment.status === 'requires_action'
            ? 'requires_action'
            : 'processing';
    return {
      id: a.id,
      object: 'setup_attempt',
      customer: a.customerId,
      usage: a.usage,
      status,
      payment_method: a.paymentMethodId,
      payment: a.paymentId,
      setup_url: open ? paymentView(payment, this.deps.core.config.publicUrl).payment_url : null,
      failure_code: a.failureCode,
      livemode: a.livemode,
      created_at: new Date(a.createdAt).toISOString(),
    };
  }
}
