import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import type { SavedCardsAccess } from '@tender/plugin-saved-cards';
import { CLOCK, Clock, DATABASE, Database, Payment, PaymentService, fields } from '@tender/core';
import { AssistError } from './assist-error';
import { AssistFields } from './assist-request';
import { parseAssistAmount } from './assist-amount';
import { AssistMerchant } from './assist-settings.service';
import { AssistOrderBook } from './assist-order-book';
import { AssistOrderService, contextOf } from './assist-order.service';

/**
 * The saved-cards plugin's public service when that plugin is loaded (set at start),
 * else undefined: RecurringIndicator and rp.cfm are refused then.
 */
export class AssistSavedCards {
  private access: SavedCardsAccess | undefined;

  use(access: SavedCardsAccess | undefined): void {
    this.access = access;
  }

  get(): SavedCardsAccess {
    if (this.access === undefined) throw new AssistError('recurring_unavailable');
    return this.access;
  }
}

const rpSchema = z.object({
  billnumber: z.string().regex(/^pay_[0-9A-Za-z]{1,40}$/, 'must be the Billnumber of the first payment'),
  ordernumber: fields.identifier(128),
  orderamount: z.string().max(32).optional(),
  amount: z.string().max(32).optional(),
  ordercurrency: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .optional(),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .optional(),
  ordercomment: fields.line(256).optional(),
});

/** The first order's payment went through: its card was saved. */
const PAID_FIRST = new Set(['captured', 'partially_refunded', 'authorized']);

/**
 * rp.cfm: a merchant-initiated payment on the card the first order (BillNumber, made
 * with RecurringIndicator=1) saved, through core's `customer` + `payment_method: "pm_..."`
 * + `off_session` path, charged at once (one stage). The new OrderNumber is an order
 * like any other: one order number, one payment (a repeat answers the same payment,
 * never a second charge).
 *
 * @example
 * ```ts
 * const payment = await recurring.charge(merchant, { billnumber: 'pay_...', ordernumber: 'SUB-2', orderamount: '990.00', ordercurrency: 'RUB' });
 * ```
 */
@injectable()
export class AssistRecurringService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(PaymentService) private readonly payments: PaymentService,
    @inject(AssistOrderBook) private readonly book: AssistOrderBook,
    @inject(AssistOrderService) private readonly orders: AssistOrderService,
    @inject(AssistSavedCards) private readonly savedCards: AssistSavedCards,
  ) {}

  /** A customer for a first order that saves its card (RecurringIndicator=1). */
  async customerForFirstOrder(merchant: AssistMerchant, orderNumber: string): Promise<string> {
    return this.savedCards
      .get()
      .createCustomer(contextOf(merchant), { description: `Assist order ${orderNumber}`, metadata: { assist_order_number: orderNumber } });
  }

  async charge(merchant: AssistMerchant, posted: AssistFields): Promise<Payment> {
    const parsed = rpSchema.safeParse(posted);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AssistError('parameter_invalid', `${String(issue?.path[0] ?? 'A parameter')} ${issue?.message ?? 'is invalid'}.`);
    }
    const f = parsed.data;
    const currency = (f.ordercurrency ?? f.currency ?? '').toUpperCase();
    if (currency === '') throw new AssistError('parameter_invalid', 'OrderCurrency (or Currency) is required.');
    if (f.ordercurrency !== undefined && f.currency !== undefined && f.ordercurrency.toUpperCase() !== f.currency.toUpperCase())
      throw new AssistError('parameter_invalid', 'OrderCurrency and Currency differ.');
    if (!merchant.currencies.includes(currency)) throw new AssistError('currency_unsupported', `This merchant accepts ${merchant.currencies.join(', ')}.`);
    const amount = this.amountOf(f.orderamount, f.amount, currency);
    const access = this.savedCards.get();
    const ctx = contextOf(merchant);
    const first = await this.orders.byBillnumber(merchant, f.billnumber);
    const terms = { orderNumber: f.ordernumber, amount, currency, twoStage: false, kind: 'recurring' as const };
    // The card is looked up only to make the payment: a repeat of a made one answers it as it is.
    const { payment } = await this.book.paymentFor(ctx, terms, async (key) =>
      this.payments.create(
        ctx,
        {
          amount,
          currency,
          order_id: f.ordernumber,
          description: f.ordercomment,
          capture_method: 'automatic',
          metadata: { assist_recurring_of: first.id },
          customer: first.customerId ?? undefined,
          off_session: true,
          confirm: true,
          payment_method: await this.cardFor(first, access, amount, currency),
        },
        key,
      ),
    );
    return payment;
  }

  private amountOf(orderAmount: string | undefined, amount: string | undefined, currency: string): number {
    const text = orderAmount ?? amount;
    if (text === undefined) throw new AssistError('parameter_invalid', 'OrderAmount (or Amount) is required.');
    const minor = parseAssistAmount(text, currency);
    if (minor === undefined) throw new AssistError('amount_invalid');
    if (orderAmount !== undefined && amount !== undefined && parseAssistAmount(amount, currency) !== minor)
      throw new AssistError('parameter_invalid', 'OrderAmount and Amount differ.');
    return minor;
  }

  /** The saved card's id, when the first order saved one for merchant-initiated payments and the new one is within what was agreed. */
  private async cardFor(first: Payment, access: SavedCardsAccess, amount: number, currency: string): Promise<string> {
    const terms = first.metadata;
    const refuse = (why: string): never => {
      throw new AssistError('recurring_not_allowed', why);
    };
    if (terms.assist_recurring !== '1' || first.customerId === null) refuse(`${first.id} was not made with RecurringIndicator=1.`);
    if (!PAID_FIRST.has(first.status)) refuse(`${first.id} is not paid.`);
    if (currency !== first.currency) refuse(`Recurring payments are in the first order's currency (${first.currency}).`);
    if (terms.assist_recurring_min !== undefined && amount < Number(terms.assist_recurring_min)) refuse('The amount is below RecurringMinAmount.');
    if (terms.assist_recurring_max !== undefined && amount > Number(terms.assist_recurring_max)) refuse('The amount is above RecurringMaxAmount.');
    if (terms.assist_recurring_max_date !== undefined && this.clock.now() >= Date.parse(`${terms.assist_recurring_max_date}T00:00:00Z`) + 24 * 3600_000)
      refuse('RecurringMaxDate has passed.');
    if (terms.assist_recurring_period_days !== undefined && (await this.tooSoon(first, Number(terms.assist_recurring_period_days)))) {
      refuse(`RecurringPeriod: the last recurring payment was less than ${terms.assist_recurring_period_days} days ago.`);
    }
    const card = await access.cardSavedBy({ merchantId: first.merchantId, livemode: first.livemode }, first.id);
    if (card === undefined || card.usage !== 'off_session') return refuse('The card of the first order is no longer saved for merchant-initiated payments.');
    return card.id;
  }

  /**
   * Whether a recurring payment of this first order that went through (or is still
   * under way) was made less than `days` ago. The first order's customer was made for
   * it alone, so its merchant-initiated payments are exactly its recurring ones; a
   * declined or failed one does not count, so the shop may try again.
   */
  private async tooSoon(first: Payment, days: number): Promise<boolean> {
    const last = await this.db('payments')
      .where({ merchant_id: first.merchantId, livemode: first.livemode, customer_id: first.customerId, off_session: true })
      .whereNotIn('status', ['declined', 'failed', 'canceled'])
      .max({ at: 'created_at' })
      .first();
    const at = last?.at === null || last?.at === undefined ? undefined : Number(last.at);
    return at !== undefined && this.clock.now() < at + days * 24 * 3600_000;
  }
}
