import { Queryable } from '../db/database';
import { MerchantContext } from '../merchants/merchant-context';

/**
 * SEAM: who knows the merchant's customers. Core keeps only a customer's id on a
 * payment (`payments.customer_id`); a plugin that owns customers (a `customers`
 * table of its own) registers one directory with `ctx.registerCustomerDirectory`.
 * `POST /v1/payments` with `customer` asks it whether the id is one of this
 * merchant's customers in this mode (else resource_not_found, 404). Without a
 * registered directory, `customer` is refused as parameter_unknown.
 *
 * @example
 * ```ts
 * ctx.registerCustomerDirectory({
 *   async exists(q, merchant, id) {
 *     const row = await q('acme_customers').where({ id, merchant_id: merchant.merchantId, livemode: merchant.livemode }).whereNull('erased_at').first();
 *     return row !== undefined;
 *   },
 * });
 * ```
 */
export interface CustomerDirectory {
  /** True when `id` is a customer of this merchant in this mode (and not erased); must filter by merchant_id AND livemode. */
  exists(q: Queryable, ctx: MerchantContext, id: string): Promise<boolean>;
}

/** The gateway's customer directory, if a plugin registered one (at most one). */
export class CustomerDirectorySlot {
  private registered: { readonly plugin: string; readonly directory: CustomerDirectory } | undefined;

  set(plugin: string, directory: CustomerDirectory): void {
    if (typeof directory?.exists !== 'function') throw new Error(`a customer directory needs an exists function`);
    if (this.registered !== undefined) throw new Error(`a customer directory is registered already (by ${this.registered.plugin})`);
    this.registered = { plugin, directory };
  }

  get directory(): CustomerDirectory | undefined {
    return this.registered?.directory;
  }
}
