import { MerchantContext, Queryable, Transaction, inTransaction, notFound } from '@tender/core';
import { recordEvent } from '../events/saved-cards-events';
import { SavedCardsDeps } from '../saved-cards-deps';
import { SavedCard, SavedCardView, savedCardView } from './saved-card';

/**
 * A customer's saved cards as the merchant sees them, and their deletion: deleting
 * a card deletes its vault row (the PAN is gone, not hidden) and records
 * `payment_method.detached`, in one transaction.
 *
 * @example
 * ```ts
 * await savedCards.delete(ctx, 'pm_...'); // card_vault row removed
 * ```
 */
export class SavedCardService {
  constructor(private readonly deps: SavedCardsDeps) {}

  async retrieve(ctx: MerchantContext, id: string): Promise<SavedCardView> {
    const db = this.deps.core.database;
    const card = await this.deps.cards.find(db, ctx, id);
    if (card === undefined) throw notFound('payment_method', id);
    return (await this.views(db, ctx, [card]))[0];
  }

  /** The customer's active cards; the customer must be this merchant's (else 404). */
  async listForCustomer(ctx: MerchantContext, customerId: string): Promise<SavedCardView[]> {
    const db = this.deps.core.database;
    if ((await this.deps.customers.find(db, ctx, customerId)) === undefined) throw notFound('customer', customerId);
    return this.views(db, ctx, await this.deps.cards.listForCustomer(db, ctx, customerId));
  }

  async delete(ctx: MerchantContext, id: string): Promise<{ id: string; object: 'payment_method'; deleted: true }> {
    await inTransaction(this.deps.core.database, async (trx) => {
      const card = await this.deps.cards.find(trx, ctx, id, { forUpdate: true });
      if (card === undefined) throw notFound('payment_method', id);
      await this.deleteOne(trx, ctx, card, this.deps.core.clock.now());
    });
    return { id, object: 'payment_method', deleted: true };
  }

  /** Erasure: every active card of the customer, in the caller's transaction. */
  async deleteAllFor(trx: Transaction, ctx: MerchantContext, customerId: string, now: number): Promise<void> {
    for (const card of await this.deps.cards.listForCustomer(trx, ctx, customerId)) await this.deleteOne(trx, ctx, card, now);
  }

  async views(q: Queryable, ctx: MerchantContext, cards: readonly SavedCard[]): Promise<SavedCardView[]> {
    const consents = await this.deps.consents.latestFor(
      q,
      ctx,
      cards.map((c) => c.id),
    );
    return cards.map((c) => savedCardView(c, consents.get(c.id) ?? null));
  }

  private async deleteOne(trx: Transaction, ctx: MerchantContext, card: SavedCard, now: number): Promise<void> {
    if (card.vaultId !== null) await this.deps.core.vault.delete(trx, card.vaultId, ctx.merchantId, ctx.livemode);
    if (!(await this.deps.cards.markDeleted(trx, ctx, card.id, now))) return;
    const [view] = await this.views(trx, ctx, [card]);
    await recordEvent(this.deps.core.events, trx, {
      merchantId: ctx.merchantId,
      livemode: ctx.livemode,
      type: 'payment_method.detached',
      objectType: 'payment_method',
      objectId: card.id,
      data: view,
    });
  }
}
