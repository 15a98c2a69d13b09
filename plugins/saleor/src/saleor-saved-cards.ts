import { Database, MerchantContext, TenderError, isUniqueViolation } from '@tender/core';
import type { SavedCardsAccess } from '@tender/plugin-saved-cards';
import { SaleorInstallation } from './saleor-installation.service';

/** A saved card's id as Tender issues it; anything else is refused before a query. */
const PAYMENT_METHOD_ID = /^pm_[0-9A-Za-z]{1,40}$/;

/** One stored payment method in the answer to LIST_STORED_PAYMENT_METHODS (Saleor's StoredPaymentMethod input). */
export interface SaleorStoredPaymentMethod {
  id: string;
  supportedPaymentFlows: ['INTERACTIVE'];
  type: 'Credit Card';
  name: string;
  creditCardInfo: { brand: string; lastDigits: string; expMonth: number; expYear: number };
}

/** The answer to STORED_PAYMENT_METHOD_DELETE_REQUESTED. */
export interface SaleorDeleteAnswer {
  result: 'SUCCESSFULLY_DELETED' | 'FAILED_TO_DELETE';
  error?: string;
}

/**
 * Saleor users' saved cards: a Saleor user is a Tender customer of the installation's
 * merchant and mode (table `saleor_customers`), and the cards are the saved-cards
 * plugin's, reached through its public service (`SAVED_CARDS`). Without that plugin
 * `access` is undefined: lists are empty, deletions and saved-card payments fail
 * with a clear message.
 *
 * @example
 * ```ts
 * await saleorCards.list(installation, 'VXNlcjox'); // { paymentMethods: [{ id: 'pm_...', creditCardInfo: { brand: 'visa', lastDigits: '4242', ... } }] }
 * await saleorCards.delete(installation, 'VXNlcjox', 'pm_...'); // { result: 'SUCCESSFULLY_DELETED' }
 * ```
 */
export class SaleorSavedCards {
  private access: SavedCardsAccess | undefined;

  constructor(
    private readonly db: () => Database,
    private readonly now: () => number,
  ) {}

  /** Set at start, when the saved-cards plugin is loaded. */
  use(access: SavedCardsAccess | undefined): void {
    this.access = access;
  }

  get enabled(): boolean {
    return this.access !== undefined;
  }

  async list(inst: SaleorInstallation, userId: string): Promise<{ paymentMethods: SaleorStoredPaymentMethod[] }> {
    const customer = this.access === undefined ? undefined : await this.customerOf(inst, userId);
    if (this.access === undefined || customer === undefined) return { paymentMethods: [] };
    const cards = await this.access.listCards(contextOf(inst), customer);
    return {
      paymentMethods: cards.map((c) => ({
        id: c.id,
        supportedPaymentFlows: ['INTERACTIVE'],
        type: 'Credit Card',
        name: `${c.brand} ${c.last4}`,
        creditCardInfo: { brand: c.brand, lastDigits: c.last4, expMonth: c.expMonth, expYear: c.expYear },
      })),
    };
  }

  /** Deletes the card (its vault row) only when it is this user's; anything else changes nothing. */
  async delete(inst: SaleorInstallation, userId: string, paymentMethodId: string): Promise<SaleorDeleteAnswer> {
    if (this.access === undefined) return { result: 'FAILED_TO_DELETE', error: 'Saved cards are not enabled on this Tender gateway.' };
    const customer = await this.customerOf(inst, userId);
    const deleted =
      customer !== undefined && PAYMENT_METHOD_ID.test(paymentMethodId) && (await this.access.deleteCard(contextOf(inst), customer, paymentMethodId));
    return deleted ? { result: 'SUCCESSFULLY_DELETED' } : { result: 'FAILED_TO_DELETE', error: 'No such saved card for this user.' };
  }

  /**
   * The Tender customer a transaction session pays for: with a saved card, the user's
   * existing customer (refused when there is none: nothing is written); to save a
   * card, found or created. Throws TenderError (answered as the session's failure).
   */
  async customerForSession(inst: SaleorInstallation, userId: string | undefined, need: { savedCard: boolean; save: boolean }): Promise<string> {
    if (this.access === undefined)
      throw new TenderError('parameter_unknown', { param: 'data.payment_method', message: 'Saved cards are not enabled on this Tender gateway.' });
    if (userId === undefined)
      throw new TenderError('parameter_missing', {
        param: 'sourceObject.user',
        message: 'A saved card belongs to a signed-in Saleor user; this checkout has none.',
      });
    const existing = await this.customerOf(inst, userId);
    if (existing !== undefined || need.savedCard) {
      if (existing === undefined) throw new TenderError('resource_not_found', { message: 'This Saleor user has no saved cards.' });
      return existing;
    }
    return this.createCustomer(inst, userId);
  }

  /** The user's customer, if one was created and not erased since. */
  private async customerOf(inst: SaleorInstallation, userId: string): Promise<string | undefined> {
    const row = (await this.db()('saleor_customers')
      .where({ installation_id: inst.id, saleor_user_id: userId, merchant_id: inst.merchantId, livemode: inst.livemode })
      .first()) as { customer_id: string } | undefined;
    if (row === undefined || this.access === undefined) return undefined;
    return (await this.access.customerExists(contextOf(inst), row.customer_id)) ? row.customer_id : undefined;
  }

  private async createCustomer(inst: SaleorInstallation, userId: string): Promise<string> {
    const access = this.access as SavedCardsAccess;
    const customer = await access.createCustomer(contextOf(inst), { description: 'Saleor user', metadata: { saleor_user_id: userId } });
    const key = { installation_id: inst.id, saleor_user_id: userId };
    const row = { ...key, merchant_id: inst.merchantId, livemode: inst.livemode, customer_id: customer, created_at: this.now() };
    const db = this.db();
    // A mapping to an erased customer is replaced; under a concurrent first save, the first insert wins.
    const stale = await db('saleor_customers').where(key).first();
    if (stale !== undefined) {
      await db('saleor_customers').where(key).update({ customer_id: customer, created_at: row.created_at });
      return customer;
    }
    try {
      await db('saleor_customers').insert(row);
      return customer;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = (await db('saleor_customers').where(key).first()) as { customer_id: string } | undefined;
      if (winner === undefined) throw error;
      return winner.customer_id;
    }
  }
}

function contextOf(inst: SaleorInstallation): MerchantContext {
  return { merchantId: inst.merchantId, livemode: inst.livemode };
}
