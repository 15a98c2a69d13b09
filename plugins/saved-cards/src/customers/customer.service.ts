import { MerchantContext, Queryable, TenderError, inTransaction, notFound, paymentView } from '@tender/core';
import { SavedCardService } from '../cards/saved-card.service';
import { savedCardView } from '../cards/saved-card';
import { recordEvent } from '../events/saved-cards-events';
import { SavedCardsDeps } from '../saved-cards-deps';
import { Customer, CustomerView, customerView } from './customer';
import { CreateCustomerInput, ListCustomersInput, UpdateCustomerInput } from './customer-input';

/**
 * A merchant's customers: create, read, change, list, erase, export. Every change
 * commits with its event (`customer.created`, `customer.updated`, `customer.deleted`).
 *
 * @example
 * ```ts
 * const c = await customers.create(ctx, { email: 'buyer@example.com' });
 * await customers.erase(ctx, c.id); // cards' vault rows deleted, personal fields blanked
 * ```
 */
export class CustomerService {
  constructor(
    private readonly deps: SavedCardsDeps,
    private readonly cards: SavedCardService,
  ) {}

  async create(ctx: MerchantContext, input: CreateCustomerInput): Promise<CustomerView> {
    return inTransaction(this.deps.core.database, async (trx) => {
      const customer = await this.deps.customers.insert(trx, ctx, input, this.deps.core.clock.now());
      const view = customerView(customer);
      await this.record(trx, customer, 'customer.created', view);
      return view;
    });
  }

  async retrieve(ctx: MerchantContext, id: string): Promise<CustomerView> {
    return customerView(await this.existing(ctx, id));
  }

  async update(ctx: MerchantContext, id: string, input: UpdateCustomerInput): Promise<CustomerView> {
    return inTransaction(this.deps.core.database, async (trx) => {
      if ((await this.deps.customers.find(trx, ctx, id, { forUpdate: true })) === undefined) throw notFound('customer', id);
      await this.deps.customers.update(trx, ctx, id, input, this.deps.core.clock.now());
      const changed = await this.deps.customers.find(trx, ctx, id);
      if (changed === undefined) throw notFound('customer', id);
      const view = customerView(changed);
      await this.record(trx, changed, 'customer.updated', view);
      return view;
    });
  }

  async list(ctx: MerchantContext, query: ListCustomersInput): Promise<{ object: 'list'; data: CustomerView[]; has_more: boolean }> {
    const page = await this.deps.customers.list(this.deps.core.database, ctx, { email: query.email, limit: query.limit, startingAfter: query.starting_after });
    if (page === undefined) throw new TenderError('parameter_invalid', { param: 'starting_after', message: 'starting_after names no customer of yours.' });
    return { object: 'list', data: page.customers.map(customerView), has_more: page.hasMore };
  }

  /**
   * Erasure on request: every saved card's vault row deleted, the other sections
   * (schedules) erased, consent IP addresses forgotten, personal fields blanked; one transaction.
   */
  async erase(ctx: MerchantContext, id: string): Promise<{ id: string; object: 'customer'; deleted: true }> {
    await inTransaction(this.deps.core.database, async (trx) => {
      const customer = await this.deps.customers.find(trx, ctx, id, { forUpdate: true });
      if (customer === undefined) throw notFound('customer', id);
      const now = this.deps.core.clock.now();
      await this.cards.deleteAllFor(trx, ctx, id, now);
      for (const section of this.deps.hooks.list()) await section.erase(trx, ctx, customer, now);
      await this.deps.consents.forgetAddresses(trx, ctx, id);
      await this.deps.customers.erase(trx, ctx, id, now);
      await this.record(trx, customer, 'customer.deleted', { id, object: 'customer', deleted: true });
    });
    return { id, object: 'customer', deleted: true };
  }

  /** Everything held about the customer, as JSON (the data subject's copy). */
  async export(ctx: MerchantContext, id: string): Promise<Record<string, unknown>> {
    return inTransaction(this.deps.core.database, async (trx) => {
      const customer = await this.deps.customers.find(trx, ctx, id);
      if (customer === undefined) throw notFound('customer', id);
      const cards = await this.deps.cards.listAllForCustomer(trx, ctx, id);
      const consents = await this.deps.consents.listForCustomer(trx, ctx, id);
      // The payments the plugin knows the customer by: those that saved a card or asked to (core lists payments by merchant, not by customer).
      const paymentIds = [...new Set([...consents.map((c) => c.payment), ...cards.flatMap((c) => (c.firstPaymentId === null ? [] : [c.firstPaymentId]))])];
      const payments = [];
      for (const paymentId of paymentIds) {
        const payment = await this.deps.core.payments.findIn(trx, ctx, paymentId);
        if (payment !== undefined) payments.push(paymentView(payment, this.deps.core.config.publicUrl));
      }
      const out: Record<string, unknown> = {
        object: 'customer_export',
        exported_at: new Date(this.deps.core.clock.now()).toISOString(),
        customer: { ...customerView(customer), updated_at: new Date(customer.updatedAt).toISOString() },
        payment_methods: cards.map((c) => ({
          ...savedCardView(c, null),
          status: c.status,
          deleted_at: c.deletedAt === null ? null : new Date(c.deletedAt).toISOString(),
        })),
        consents,
        payments,
      };
      for (const section of this.deps.hooks.list()) out[section.name] = await section.export(trx, ctx, customer);
      return out;
    });
  }

  private async existing(ctx: MerchantContext, id: string): Promise<Customer> {
    const customer = await this.deps.customers.find(this.deps.core.database, ctx, id);
    if (customer === undefined) throw notFound('customer', id);
    return customer;
  }

  private async record(trx: Queryable, customer: Customer, type: 'customer.created' | 'customer.updated' | 'customer.deleted', data: unknown): Promise<void> {
    await recordEvent(this.deps.core.events, trx, {
      merchantId: customer.merchantId,
      livemode: customer.livemode,
      type,
      objectType: 'customer',
      objectId: customer.id,
      data,
    });
  }
}
