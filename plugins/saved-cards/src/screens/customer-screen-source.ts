import { SavedCardService } from '../cards/saved-card.service';
import { CustomerService } from '../customers/customer.service';
import { CustomerScreenSource } from './screen-sources';
import { orMissing } from './screen-format';

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
      const page = await customers.list(ctx, {
        limit: filter.limit,
        ...(filter.email === undefined ? {} : { email: filter.email.toLowerCase() }),
        ...(filter.startingAfter === undefined ? {} : { starting_after: filter.startingAfter }),
      });
      return { data: page.data, hasMore: page.has_more };
    },
    find: (ctx, id) => orMissing(customers.retrieve(ctx, id), undefined),
    paymentMethods: (ctx, customerId) => cards.listForCustomer(ctx, customerId),
    deletePaymentMethod: (ctx, id) =>
      orMissing(
        cards.delete(ctx, id).then(() => true),
        false,
      ),
  };
}
