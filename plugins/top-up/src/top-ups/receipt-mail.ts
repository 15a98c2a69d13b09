import path from 'node:path';
import { CoreServices, PluginContext, Queryable, formatAmount } from '@tender/core';
import { maskPhone } from '../phone/phone-number';
import { TopUp } from './top-up';
import { statusUrl } from './top-up-view';

export const RECEIPT_TEMPLATE = 'top-up.receipt';
const RECEIPT_DIR = path.join(__dirname, '..', '..', 'templates', 'email', 'receipt');

export function registerReceiptTemplate(ctx: PluginContext<object>): void {
  ctx.registerEmailTemplate({ name: RECEIPT_TEMPLATE, dir: RECEIPT_DIR });
}

/** Queues the buyer's receipt in the transaction that records the delivery (when the buyer left an e-mail). */
export class ReceiptMail {
  constructor(private readonly core: CoreServices) {}

  async queue(q: Queryable, topUp: TopUp): Promise<void> {
    if (topUp.email === null) return;
    const brand = this.core.config.brand;
    await this.core.emails.enqueue(q, {
      merchantId: topUp.merchantId,
      livemode: topUp.livemode,
      template: RECEIPT_TEMPLATE,
      locale: topUp.locale,
      recipient: topUp.email,
      data: {
        brand_name: brand.name,
        phone: maskPhone(topUp.phone),
        operator: topUp.operatorName,
        amount: formatAmount(topUp.amount, topUp.currency, topUp.locale),
        fee: formatAmount(topUp.fee, topUp.currency, topUp.locale),
        total: formatAmount(topUp.total, topUp.currency, topUp.locale),
        reference: topUp.id,
        status_url: statusUrl(this.core.config.publicUrl, topUp.token),
        livemode: topUp.livemode,
      },
    });
  }
}
