import { MerchantContext, Transaction } from '@tender/core';
import { injectable } from 'tsyringe';
import { Customer } from './customer';

/** Something else the plugin keeps about a customer (schedules): erased and exported with it. */
export interface CustomerDataSection {
  /** The key of its part of the export, e.g. 'schedules'. */
  readonly name: string;
  /** In the erasure transaction, after the cards are deleted (e.g. cancel the customer's schedules). */
  erase(trx: Transaction, ctx: MerchantContext, customer: Customer, now: number): Promise<void>;
  /** Its part of `GET /v1/customers/:id/export`, as JSON. */
  export(trx: Transaction, ctx: MerchantContext, customer: Customer): Promise<unknown>;
}

/**
 * The sections besides customers and cards that erasure and export cover. Filled
 * during the plugin's setup (the schedules add theirs), read at request time.
 *
 * @example
 * ```ts
 * hooks.add({ name: 'schedules', erase: (trx, ctx, c, now) => schedules.cancelAllFor(trx, ctx, c.id, now), export: (trx, ctx, c) => schedules.exportFor(trx, ctx, c.id) });
 * ```
 */
@injectable()
export class CustomerDataHooks {
  private readonly sections: CustomerDataSection[] = [];

  add(section: CustomerDataSection): void {
    if (this.sections.some((s) => s.name === section.name)) throw new Error(`customer data section '${section.name}' is added twice`);
    this.sections.push(section);
  }

  list(): readonly CustomerDataSection[] {
    return this.sections;
  }
}
