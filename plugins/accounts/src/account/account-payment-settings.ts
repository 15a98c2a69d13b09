import { inject, injectable } from 'tsyringe';
import { CLOCK, DATABASE, Clock, Database, notFound, Queryable } from '@tender/core';

/**
 * The merchant setting `account_payments_enabled`: whether the merchant's payments
 * may be paid from a personal account (off unless the operator turns it on). The
 * payment page reads it to offer "pay from personal account".
 *
 * @example
 * ```ts
 * await settings.set('mer_...', true);
 * await settings.enabled(db, 'mer_...'); // true
 * ```
 */
@injectable()
export class AccountPaymentSettings {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async enabled(q: Queryable, merchantId: string): Promise<boolean> {
    const row = await q('merchant_account_payments').where({ merchant_id: merchantId }).first();
    return row !== undefined && Boolean(row.enabled);
  }

  async set(merchantId: string, enabled: boolean): Promise<{ merchant_id: string; account_payments_enabled: boolean }> {
    if ((await this.db('merchants').where({ id: merchantId }).first()) === undefined) throw notFound('merchant', merchantId);
    const now = this.clock.now();
    const updated = await this.db('merchant_account_payments').where({ merchant_id: merchantId }).update({ enabled, updated_at: now });
    if (updated === 0) await this.db('merchant_account_payments').insert({ merchant_id: merchantId, enabled, updated_at: now });
    return { merchant_id: merchantId, account_payments_enabled: enabled };
  }
}
