import { CustomerDirectory } from '@tender/core';
import { CustomerRepository } from './customer.repository';

/**
 * Core's view of the plugin's customers: `POST /v1/payments` with `customer` asks
 * whether the id is one of this merchant's (in this mode, not erased).
 *
 * @example
 * ```ts
 * ctx.registerCustomerDirectory(customerDirectory(new CustomerRepository()));
 * ```
 */
export function customerDirectory(customers: CustomerRepository): CustomerDirectory {
  return { exists: async (q, ctx, id) => (await customers.find(q, ctx, id)) !== undefined };
}
