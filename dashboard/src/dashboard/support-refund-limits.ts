import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock, DATABASE, Database, MerchantContext, inTransaction, toMinorUnits } from '@tender/core';

export interface SupportRefundLimit {
  readonly currency: string;
  /** Minor units: the largest single refund a support user may make. */
  readonly maxAmount: number;
}

/**
 * The most a support user may refund at once, per merchant, mode and currency
 * (table support_refund_limits, migration 012). It lives with the merchant's data,
 * not in the instance config, because each shop decides how far it trusts its
 * support staff; owners change it on the dashboard. No row means support may not
 * refund in that currency: the safe default for a new merchant.
 *
 * @example
 * ```ts
 * await limits.set(ctx, 'RUB', 500000); // support may refund up to 5 000.00 RUB per refund
 * await limits.allows(ctx, 'RUB', 300000); // true
 * ```
 */
@injectable()
export class SupportRefundLimits {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(ctx: MerchantContext): Promise<SupportRefundLimit[]> {
    const rows: Array<Record<string, unknown>> = await this.db('support_refund_limits')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode })
      .orderBy('currency');
    return rows.map((r) => ({ currency: String(r.currency), maxAmount: toMinorUnits(r.max_amount) }));
  }

  async allows(ctx: MerchantContext, currency: string, amount: number): Promise<boolean> {
    const row = await this.db('support_refund_limits').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, currency }).first();
    return row !== undefined && amount <= toMinorUnits(row.max_amount);
  }

  /** Sets (or with `maxAmount` 0, removes) the limit for one currency. */
  async set(ctx: MerchantContext, currency: string, maxAmount: number): Promise<void> {
    const key = { merchant_id: ctx.merchantId, livemode: ctx.livemode, currency };
    await inTransaction(this.db, async (trx) => {
      await trx('support_refund_limits').where(key).delete();
      if (maxAmount > 0) await trx('support_refund_limits').insert({ ...key, max_amount: maxAmount, updated_at: this.clock.now() });
    });
  }
}
