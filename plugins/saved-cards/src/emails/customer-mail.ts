import path from 'node:path';
import { PluginContext, Queryable } from '@tender/core';
import { PACKAGE_DIR } from '../page-files';

/** The e-mails the plugin sends to customers, each in its own folder of templates/email/. */
export const CUSTOMER_EMAILS = {
  actionRequired: 'saved-cards.action-required',
  cardExpiring: 'saved-cards.card-expiring',
} as const;

/** Registers the plugin's e-mail templates (one folder each: templates/email/<name without the prefix>/). */
export function registerCustomerEmails(ctx: PluginContext): void {
  for (const name of Object.values(CUSTOMER_EMAILS)) {
    ctx.registerEmailTemplate({ name, dir: path.join(PACKAGE_DIR, 'templates', 'email', name.slice('saved-cards.'.length)) });
  }
}

/**
 * The merchant's name as its customers know it, read in the caller's transaction
 * (a listener runs inside the event's transaction; on SQLite a read on another
 * connection would wait for it). Core's MerchantService reads outside any
 * transaction, so this reads the merchants row's name directly.
 */
export async function merchantName(q: Queryable, merchantId: string): Promise<string> {
  const row: { name?: unknown } | undefined = await q('merchants').select('name').where({ id: merchantId }).first();
  return row === undefined ? '' : String(row.name);
}

/** "visa •••• 4242": what an e-mail shows of a card. */
export function maskedCard(brand: string, last4: string): string {
  return `${brand} •••• ${last4}`;
}
