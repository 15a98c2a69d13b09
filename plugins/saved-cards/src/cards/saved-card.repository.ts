import { MerchantContext, Queryable, forUpdate, newId } from '@tender/core';
import { injectable } from 'tsyringe';
import { SavedCard, savedCardFromRow } from './saved-card';

/** What saving a card writes (the vault row exists already); the rest is set here. */
export type NewSavedCard = Pick<
  SavedCard,
  'customerId' | 'fingerprint' | 'brand' | 'last4' | 'expMonth' | 'expYear' | 'usage' | 'networkReference' | 'firstPaymentId'
> & { readonly vaultId: string };

/**
 * `customer_payment_methods` rows, always for one merchant and mode. A deleted card
 * keeps its row (status 'deleted', no vault id) so payments that name it still
 * resolve to "deleted"; its PAN is gone with the vault row.
 */
@injectable()
export class SavedCardRepository {
  async insert(q: Queryable, ctx: MerchantContext, card: NewSavedCard, now: number): Promise<SavedCard> {
    const id = newId('pm');
    await q('customer_payment_methods').insert({
      id,
      merchant_id: ctx.merchantId,
      livemode: ctx.livemode,
      customer_id: card.customerId,
      vault_id: card.vaultId,
      fingerprint: card.fingerprint,
      brand: card.brand,
      last4: card.last4,
      exp_month: card.expMonth,
      exp_year: card.expYear,
      usage: card.usage,
      network_reference: card.networkReference,
      first_payment_id: card.firstPaymentId,
      status: 'active',
      created_at: now,
    });
    const saved = await this.find(q, ctx, id);
    if (saved === undefined) throw new Error(`saved card ${id} vanished after insert`);
    return saved;
  }

  /** An active card of this merchant and mode. */
  async find(q: Queryable, ctx: MerchantContext, id: string, options: { forUpdate?: boolean } = {}): Promise<SavedCard | undefined> {
    const query = q('customer_payment_methods').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode, status: 'active' });
    const row = await (options.forUpdate === true ? forUpdate(q, query) : query).first();
    return row === undefined ? undefined : savedCardFromRow(row);
  }

  /** The customer's active card with this fingerprint (the same card saved before). */
  async findByFingerprint(q: Queryable, ctx: MerchantContext, customerId: string, fingerprint: string): Promise<SavedCard | undefined> {
    const row = await q('customer_payment_methods')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, customer_id: customerId, fingerprint, status: 'active' })
      .first();
    return row === undefined ? undefined : savedCardFromRow(row);
  }

  /** The customer's active cards, newest first. */
  async listForCustomer(q: Queryable, ctx: MerchantContext, customerId: string): Promise<SavedCard[]> {
    const rows = await q('customer_payment_methods')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, customer_id: customerId, status: 'active' })
      .orderBy('seq', 'desc');
    return rows.map(savedCardFromRow);
  }

  /** Every card the customer ever had, deleted ones included (the export). */
  async listAllForCustomer(q: Queryable, ctx: MerchantContext, customerId: string): Promise<SavedCard[]> {
    const rows = await q('customer_payment_methods')
      .where({ merchant_id: ctx.merchantId, livemode: ctx.livemode, customer_id: customerId })
      .orderBy('seq', 'asc');
    return rows.map(savedCardFromRow);
  }

  /** Widens the usage (a card saved for one-click, saved again for merchant-initiated payments). */
  async widenUsage(q: Queryable, ctx: MerchantContext, id: string, networkReference: string | null): Promise<void> {
    const patch: Record<string, unknown> = { usage: 'off_session' };
    if (networkReference !== null) patch.network_reference = networkReference;
    await q('customer_payment_methods').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode, status: 'active' }).update(patch);
  }

  /** Marks the card deleted and forgets its vault row; true when this call deleted it. */
  async markDeleted(q: Queryable, ctx: MerchantContext, id: string, now: number): Promise<boolean> {
    const changed = await q('customer_payment_methods')
      .where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode, status: 'active' })
      .update({ status: 'deleted', vault_id: null, deleted_at: now });
    return changed === 1;
  }
}
