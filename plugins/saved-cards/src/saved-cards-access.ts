import { MerchantContext } from '@tender/core';
import { SavedCardService } from './cards/saved-card.service';
import { SavedCard, isExpired } from './cards/saved-card';
import { CustomerService } from './customers/customer.service';
import { SavedCardsDeps } from './saved-cards-deps';

/**
 * The token other plugins resolve the saved-cards plugin's public service with
 * (`ctx.resolve(SAVED_CARDS)` from their start phase on). It is registered only
 * when this plugin is loaded: a plugin that can work without saved cards checks
 * for it at start and falls back.
 */
export const SAVED_CARDS = Symbol.for('@tender/plugin-saved-cards/SavedCardsAccess');

/** A saved card as another plugin may show it: brand, last 4 and expiry, never more. */
export interface SavedCardSummary {
  readonly id: string;
  readonly brand: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly usage: 'on_session' | 'off_session';
}

/**
 * What other plugins (shop-platform apps) may do with customers and saved cards,
 * always for one merchant and mode. Payments with a saved card go through core's
 * PaymentService with `customer` and `payment_method: "pm_..."`, like the API.
 *
 * @example
 * ```ts
 * const cards = ctx.resolve<SavedCardsAccess>(SAVED_CARDS);
 * const customer = await cards.createCustomer(ctx, { description: 'Saleor user VXNlcjox' });
 * await cards.listCards(ctx, customer); // [] until a payment saves a card
 * await cards.deleteCard(ctx, customer, 'pm_...'); // false: not this customer's card, nothing changed
 * await cards.cardSavedBy(ctx, 'pay_...'); // the card that payment saved, or undefined
 * ```
 */
export interface SavedCardsAccess {
  /** Creates a customer (`customer.created`) and answers its `cus_...` id. */
  createCustomer(ctx: MerchantContext, input: { description?: string; metadata?: Record<string, string> }): Promise<string>;
  /** Whether the customer exists (not erased) for this merchant and mode. */
  customerExists(ctx: MerchantContext, customerId: string): Promise<boolean>;
  /** The customer's active cards that have not expired, newest first; [] for an unknown customer. */
  listCards(ctx: MerchantContext, customerId: string): Promise<SavedCardSummary[]>;
  /**
   * Deletes the card (its vault row with it, `payment_method.detached`) when it is
   * an active card of this customer; false, with nothing changed, otherwise.
   */
  deleteCard(ctx: MerchantContext, customerId: string, paymentMethodId: string): Promise<boolean>;
  /**
   * The active, unexpired card the payment saved (or found already saved for its
   * customer), or undefined: how a protocol that names the first payment (Assist's
   * rp.cfm BillNumber) finds the card to charge.
   */
  cardSavedBy(ctx: MerchantContext, paymentId: string): Promise<SavedCardSummary | undefined>;
}

function summaryOf(c: SavedCard): SavedCardSummary {
  return { id: c.id, brand: c.brand, last4: c.last4, expMonth: c.expMonth, expYear: c.expYear, usage: c.usage };
}

export function savedCardsAccess(deps: SavedCardsDeps, customers: CustomerService, cards: SavedCardService): SavedCardsAccess {
  const db = deps.core.database;
  return {
    async createCustomer(ctx, input) {
      return (await customers.create(ctx, input)).id;
    },
    async customerExists(ctx, customerId) {
      return (await deps.customers.find(db, ctx, customerId)) !== undefined;
    },
    async listCards(ctx, customerId) {
      if ((await deps.customers.find(db, ctx, customerId)) === undefined) return [];
      const now = deps.core.clock.now();
      return (await deps.cards.listForCustomer(db, ctx, customerId)).filter((c) => !isExpired(c, now)).map(summaryOf);
    },
    async cardSavedBy(ctx, paymentId) {
      const id = await deps.consents.paymentMethodOf(db, ctx, paymentId);
      const card = id === null ? undefined : await deps.cards.find(db, ctx, id);
      return card === undefined || isExpired(card, deps.core.clock.now()) ? undefined : summaryOf(card);
    },
    async deleteCard(ctx, customerId, paymentMethodId) {
      const card = await deps.cards.find(db, ctx, paymentMethodId);
      if (card === undefined || card.customerId !== customerId) return false;
      await cards.delete(ctx, paymentMethodId);
      return true;
    },
  };
}
