import { MerchantContext, Queryable, forUpdate, newId } from '@tender/core';
import { injectable } from 'tsyringe';
import { Customer, customerFromRow } from './customer';
import { CreateCustomerInput, UpdateCustomerInput } from './customer-input';

/** The personal fields erasure blanks. */
const PERSONAL = { email: null, name: null, phone: null, description: null, metadata: null } as const;

/**
 * `customers` rows, always read and written for one merchant and mode. An erased
 * customer is not found (its id stays, blank, so events and payments that name it
 * still point somewhere).
 */
@injectable()
export class CustomerRepository {
  async insert(q: Queryable, ctx: MerchantContext, input: CreateCustomerInput, now: number): Promise<Customer> {
    const id = newId('cus');
    await q('customers').insert({
      id,
      merchant_id: ctx.merchantId,
      livemode: ctx.livemode,
      email: input.email ?? null,
      name: input.name ?? null,
      phone: input.phone ?? null,
      description: input.description ?? null,
      metadata: input.metadata === undefined ? null : JSON.stringify(input.metadata),
      created_at: now,
      updated_at: now,
    });
    const created = await this.find(q, ctx, id);
    if (created === undefined) throw new Error(`customer ${id} vanished after insert`);
    return created;
  }

  async find(q: Queryable, ctx: MerchantContext, id: string, options: { forUpdate?: boolean } = {}): Promise<Customer | undefined> {
    const query = q('customers').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).whereNull('erased_at');
    const row = await (options.forUpdate === true ? forUpdate(q, query) : query).first();
    return row === undefined ? undefined : customerFromRow(row);
  }

  async update(q: Queryable, ctx: MerchantContext, id: string, input: UpdateCustomerInput, now: number): Promise<void> {
    const patch: Record<string, unknown> = { updated_at: now };
    for (const key of ['email', 'name', 'phone', 'description'] as const) {
      if (input[key] !== undefined) patch[key] = input[key];
    }
    if (input.metadata !== undefined) patch.metadata = JSON.stringify(input.metadata);
    await q('customers').where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode }).whereNull('erased_at').update(patch);
  }

  /** Blanks the personal fields; true when this call erased it (false: already erased or not there). */
  async erase(q: Queryable, ctx: MerchantContext, id: string, now: number): Promise<boolean> {
    const changed = await q('customers')
      .where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode })
      .whereNull('erased_at')
      .update({ ...PERSONAL, erased_at: now, updated_at: now });
    return changed === 1;
  }

  /** Newest first; undefined when `startingAfter` names no customer of this merchant and mode. */
  async list(
    q: Queryable,
    ctx: MerchantContext,
    filter: { email?: string; limit: number; startingAfter?: string },
  ): Promise<{ customers: Customer[]; hasMore: boolean } | undefined> {
    const query = q('customers').where({ merchant_id: ctx.merchantId, livemode: ctx.livemode }).whereNull('erased_at');
    if (filter.email !== undefined) query.andWhere('email', filter.email);
    if (filter.startingAfter !== undefined) {
      const cursor = await q('customers').select('seq').where({ id: filter.startingAfter, merchant_id: ctx.merchantId, livemode: ctx.livemode }).first();
      if (cursor === undefined) return undefined;
      query.andWhere('seq', '<', cursor.seq);
    }
    const rows = await query.orderBy('seq', 'desc').limit(filter.limit + 1);
    return { customers: rows.slice(0, filter.limit).map(customerFromRow), hasMore: rows.length > filter.limit };
  }
}
