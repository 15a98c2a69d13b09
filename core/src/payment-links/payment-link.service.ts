import { z } from 'zod';
import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { TenderConfig } from '../config/config';
import { DATABASE, Database } from '../db/database';
import { notFound } from '../errors/tender-error';
import { newId, randomToken } from '../ids/ids';
import { MerchantContext } from '../merchants/merchant-context';
import { MerchantStandingFacts } from '../merchants/api-keys';
import { MerchantStanding, StandingContext } from '../merchants/merchant-standing';
import { toMinorUnits } from '../money/money';
import { Payment } from '../payments/payment';
import { PaymentService } from '../payments/payment.service';
import { amountField, currencyField } from '../payments/payment-input';
import { fields } from '../http/validation';

/** POST /v1/payment_links */
export const createPaymentLinkSchema = z
  .object({
    amount: amountField,
    currency: currencyField,
    description: fields.line(1000, 1),
    return_url: fields.httpUrl.optional(),
  })
  .strict();

export interface PaymentLink {
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly amount: number;
  readonly currency: string;
  readonly description: string;
  readonly returnUrl: string | null;
  readonly token: string;
  readonly active: boolean;
  readonly createdAt: number;
}

/**
 * Payment links: one reusable URL for a fixed amount (a price tag a shop can put
 * in a message or on a page). Each buyer who opens it and presses the button gets
 * a payment of their own; the link itself never holds money.
 *
 * @example
 * ```ts
 * const link = await links.create(ctx, { amount: 50000, currency: 'RUB', description: 'Gift card' });
 * linkView(link, publicUrl).url; // https://pay.example/pay/link/<token>
 * ```
 */
@injectable()
export class PaymentLinkService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(PaymentService) private readonly payments: PaymentService,
    @inject(MerchantStanding) private readonly standing: MerchantStanding,
  ) {}

  /** Refused like a payment (merchant_suspended, merchant_not_live, test_mode_expired): a link exists to take money. */
  async create(ctx: StandingContext, input: z.output<typeof createPaymentLinkSchema>): Promise<PaymentLink> {
    await this.standing.assertMayTakePayments(ctx);
    const row = {
      id: newId('plink'),
      merchant_id: ctx.merchantId,
      livemode: ctx.livemode,
      amount: input.amount,
      currency: input.currency,
      description: input.description,
      return_url: input.return_url ?? null,
      token: randomToken(32),
      active: true,
      created_at: this.clock.now(),
    };
    await this.db('payment_links').insert(row);
    return fromRow(row);
  }

  async retrieve(ctx: MerchantContext, id: string): Promise<PaymentLink> {
    const row = await this.db('payment_links').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
    if (row === undefined) throw notFound('payment link', id);
    return fromRow(row);
  }

  async findByToken(token: string): Promise<PaymentLink | undefined> {
    if (!/^[0-9A-Za-z]{32}$/.test(token)) return undefined;
    const row = await this.db('payment_links').where({ token, active: true }).first();
    return row === undefined ? undefined : fromRow(row);
  }

  /** A new payment for one visit of the link; `standing` when the caller has just read it. */
  async createPayment(link: PaymentLink, standing?: MerchantStandingFacts): Promise<Payment> {
    return this.payments.create(
      { merchantId: link.merchantId, livemode: link.livemode, standing },
      {
        amount: link.amount,
        currency: link.currency,
        order_id: `${link.id}-${randomToken(10)}`,
        description: link.description,
        capture_method: 'automatic',
        ...(link.returnUrl === null ? {} : { return_url: link.returnUrl }),
        metadata: { payment_link: link.id },
      },
    );
  }
}

export function linkView(link: PaymentLink, config: Pick<TenderConfig, 'publicUrl'>): Record<string, unknown> {
  return {
    id: link.id,
    object: 'payment_link',
    url: `${config.publicUrl}/pay/link/${link.token}`,
    amount: link.amount,
    currency: link.currency,
    description: link.description,
    return_url: link.returnUrl,
    active: link.active,
    livemode: link.livemode,
    created_at: new Date(link.createdAt).toISOString(),
  };
}

function fromRow(row: Record<string, unknown>): PaymentLink {
  return {
    id: String(row.id),
    merchantId: String(row.merchant_id),
    livemode: Boolean(row.livemode),
    amount: toMinorUnits(row.amount),
    currency: String(row.currency),
    description: String(row.description),
    returnUrl: (row.return_url as string | null) ?? null,
    token: String(row.token),
    active: Boolean(row.active),
    createdAt: toMinorUnits(row.created_at),
  };
}
