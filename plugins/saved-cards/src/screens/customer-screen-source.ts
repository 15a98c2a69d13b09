import { TenderError } from '@tender/core';
import { SavedCardService } from '../cards/saved-card.service';
import { CustomerService } from '../customers/customer.service';
import { CustomerScreenSource } from './screen-sources';

/**
 * The customers screen's source over the plugin's own services (the ones behind
 * /v1/customers and /v1/payment_methods): the same scoping, views and events as the
 * API. A missing or foreign customer or card is `undefined` / `false` here, which the
 * screen turns into its 404.
 *
 * @example
 * ```ts
 * registerSavedCardScreens(ctx, { customers: () => customerScreenSource(customers, cards) });
 * ```
 */
export function customerScreenSource(customers: CustomerService, cards: SavedCardService): CustomerScreenSource {
  return {
    list: async (ctx, filter) => {
      const page = await customers.list(ctx, { limit: filter.limit, ...(filter.email === undefined ? {} : { email: filter.email.toLowerCase() }), ...(filter.startingAfter === undefined ? {} : { starting_after: filter.startingAfter }) });
      return { data: page.data, hasMore: page.has_more };
    },
    find: (ctx, id) => orMissing(customers.retrieve(ctx, id), undefined),
    paymentMethods: (ctx, customerId) => cards.listForCustomer(ctx, customerId),
    deletePaymentMethod: (ctx, id) => orMissing(cards.delete(ctx, id).then(() => true), false),
  };
}

/** The answer, or `missing` when the service says the object does not exist for this merchant (404). */
async function orMissing<T, M>(work: Promise<T>, missing: M): Promise<T | M> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof TenderError && error.code === 'resource_not_found') return missing;
    throw error;
  }
}
