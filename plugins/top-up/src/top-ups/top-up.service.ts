import { AttemptRule, CoreServices, Payment, TenderError, clientAddressSubject, inTransaction, newId, paymentView, randomToken } from '@tender/core';
import { NumberingPlanFile } from '../numbering/numbering-plan-file';
import { maskPhone } from '../phone/phone-number';
import { TopUpSettingsStore } from '../settings/top-up-settings.store';
import { COUNTED_STATUSES, TopUp, topUpFromRow } from './top-up';
import { quoteTopUp } from './top-up-quote';
import { TopUpRequestInput } from './top-up-request';
import { statusUrl } from './top-up-view';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Opens top-ups: the request is checked completely (number, operator, amount, the
 * number's daily limit) before anything is written; then the top-up row and a normal
 * Tender payment of the operator's top-up merchant are made, paid on the hosted page.
 */
export class TopUpService {
  private readonly perAddress: AttemptRule;

  constructor(
    private readonly core: CoreServices,
    private readonly settings: TopUpSettingsStore,
    private readonly plan: NumberingPlanFile,
    createsPerAddressPerHour: number,
  ) {
    this.perAddress = { purpose: 'top_up.create', attempts: createsPerAddressPerHour, windowMs: 3600_000, lockMs: 3600_000, onSuccess: 'keep' };
  }

  /**
   * `address` is the buyer's IP: top-ups opened from one address are limited
   * (`createsPerAddressPerHour`), since each opens a payment. Only top-ups that pass
   * every check count, so a refused request still writes nothing.
   */
  async create(input: TopUpRequestInput, address: string | undefined): Promise<{ topUp: TopUp; paymentUrl: string }> {
    const settings = await this.settings.read();
    if (settings === undefined) throw new TenderError('top_up_not_configured');
    const quote = quoteTopUp(await this.plan.plan(), settings, input.phone, input.amount);
    const db = this.core.database;
    const now = this.core.clock.now();
    const id = newId('tu');
    const row = {
      id,
      merchant_id: settings.merchant_id,
      livemode: settings.livemode,
      token: randomToken(32),
      phone: quote.phone.e164,
      operator_inn: quote.operatorInn,
      operator_name: quote.operator.name,
      amount: quote.amount,
      fee: quote.fee,
      total: quote.total,
      currency: 'RUB',
      email: input.email ?? null,
      locale: input.locale,
      payment_id: null,
      status: 'awaiting_payment',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
    };
    await inTransaction(db, async (trx) => {
      // Serialises top-ups of one number, so two at once cannot both pass the daily limit.
      // The lock row is deleted and written again (not read FOR UPDATE), so it is in this
      // transaction's write set: two top-ups on two Galera nodes conflict at COMMIT and
      // the loser re-runs (docs/galera.md); on one server the delete blocks the second.
      await trx('top_up_number_locks').where({ phone: row.phone }).delete();
      await trx('top_up_number_locks').insert({ phone: row.phone });
      const sum = await trx('top_ups')
        .where({ phone: row.phone })
        .whereIn('status', COUNTED_STATUSES)
        .andWhere('created_at', '>', now - DAY_MS)
        .sum({ total: 'amount' })
        .first();
      const already = Number(sum?.total ?? 0);
      if (already + quote.amount > settings.daily_limit_per_number)
        throw new TenderError('top_up_limit_exceeded', {
          param: 'amount',
          message: 'This number has reached its daily top-up limit; try a smaller amount or tomorrow.',
        });
      await trx('top_ups').insert(row);
    });
    const allowed = await this.core.attempts.reserve([{ rule: this.perAddress, subject: clientAddressSubject(address) }]);
    if (!allowed.allowed) {
      await db('top_ups').where({ id, payment_id: null }).delete();
      throw new TenderError('rate_limited', { message: 'Too many top-ups from this address; try again later.' });
    }
    let payment: Payment;
    try {
      payment = await this.core.payments.create(
        { merchantId: settings.merchant_id, livemode: settings.livemode },
        {
          amount: quote.total,
          currency: 'RUB',
          order_id: id,
          description: `Mobile top-up ${maskPhone(row.phone)} (${quote.operator.name})`,
          capture_method: 'automatic',
          return_url: statusUrl(this.core.config.publicUrl, row.token),
          metadata: { top_up: id },
          locale: input.locale,
          ...(input.email === undefined ? {} : { customer_email: input.email }),
        },
        `top-up-${id}`,
      );
    } catch (error) {
      // The merchant may not take payments (suspended, not live): the top-up never existed.
      await db('top_ups').where({ id, payment_id: null }).delete();
      throw error;
    }
    await db('top_ups').where({ id }).update({ payment_id: payment.id, updated_at: this.core.clock.now() });
    return { topUp: topUpFromRow({ ...row, payment_id: payment.id }), paymentUrl: paymentView(payment, this.core.config.publicUrl).payment_url };
  }

  async byToken(token: string): Promise<TopUp | undefined> {
    if (!/^[0-9A-Za-z_-]{16,64}$/.test(token)) return undefined;
    const row = (await this.core.database('top_ups').where({ token }).first()) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : topUpFromRow(row);
  }

  /** The hosted page's address while the top-up is still to be paid. */
  async paymentUrlOf(topUp: TopUp): Promise<string | null> {
    if (topUp.status !== 'awaiting_payment' || topUp.paymentId === null) return null;
    const payment = await this.core.payments.retrieve({ merchantId: topUp.merchantId, livemode: topUp.livemode }, topUp.paymentId);
    return paymentView(payment, this.core.config.publicUrl).payment_url;
  }
}
