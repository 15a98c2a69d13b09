import { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import { CURRENCIES, DATABASE, Database, MerchantContext, Payment, PaymentMethodRegistry, paymentFromRow, usingIndex } from '@tender/core';
import { decimalToMinor } from './decimal-amount';
import { PaymentCursor, PaymentFilter, encodeCursor, methodTypesOf } from './payment-filter';

/** One page of the payments table, newest first; `nextCursor` is undefined on the last page. */
export interface PaymentPage {
  readonly payments: Payment[];
  readonly nextCursor: string | undefined;
}

/**
 * The dashboard's payment search: the table and the CSV export run the same
 * `scoped` query, always for one merchant and mode. Pages are keyset pages on
 * (created_at, seq) read through the indexes of migration 012, so the thousandth
 * page costs what the first does (docs/dashboard.md, "Screens").
 *
 * @example
 * ```ts
 * const page = await search.page(ctx, filterOf(parsed), undefined, 50);
 * for await (const batch of search.batches(ctx, filter)) write(batch);
 * ```
 */
@injectable()
export class PaymentSearch {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    private readonly methods: PaymentMethodRegistry,
  ) {}

  async page(ctx: MerchantContext, filter: PaymentFilter, cursor: PaymentCursor | undefined, limit: number): Promise<PaymentPage> {
    const rows = await this.scoped(ctx, filter, cursor).limit(limit + 1);
    const payments = rows.slice(0, limit).map(paymentFromRow);
    const last = payments[payments.length - 1];
    return { payments, nextCursor: rows.length > limit && last !== undefined ? encodeCursor({ createdAt: last.createdAt, seq: last.seq }) : undefined };
  }

  /**
   * Every matching payment in batches, each batch one short keyset query: an export
   * of millions of rows holds no transaction or cursor open between batches, and a
   * row is never read twice (the keyset columns do not change).
   */
  async *batches(ctx: MerchantContext, filter: PaymentFilter, batchSize = 500): AsyncGenerator<Payment[]> {
    let cursor: PaymentCursor | undefined;
    for (;;) {
      const rows = await this.scoped(ctx, filter, cursor).limit(batchSize);
      const payments = rows.map(paymentFromRow);
      if (payments.length > 0) yield payments;
      const last = payments[payments.length - 1];
      if (payments.length < batchSize || last === undefined) return;
      cursor = { createdAt: last.createdAt, seq: last.seq };
    }
  }

  private scoped(ctx: MerchantContext, filter: PaymentFilter, cursor: PaymentCursor | undefined): Knex.QueryBuilder {
    // The hint applies on MySQL/MariaDB only; SQLite's planner picks these indexes itself.
    const index = indexFor(filter);
    const from: Knex.QueryBuilder = index === undefined ? this.db('payments') : this.db.from(usingIndex(this.db, 'payments', index));
    const query = from.select('payments.*').where({ 'payments.merchant_id': ctx.merchantId, 'payments.livemode': ctx.livemode });
    applySearch(query, filter);
    if (filter.status !== undefined) query.andWhere('payments.status', filter.status);
    if (filter.createdFrom !== undefined) query.andWhere('payments.created_at', '>=', filter.createdFrom);
    if (filter.createdBefore !== undefined) query.andWhere('payments.created_at', '<', filter.createdBefore);
    if (filter.currency !== undefined) query.andWhere('payments.currency', filter.currency);
    applyAmountRange(query, filter);
    applyMethod(query, filter, this.methods);
    if (cursor !== undefined) {
      // "Before (c, s)" written as created_at <= c AND (created_at < c OR seq < s): the first
      // half is a plain range the optimizer starts the index walk from; the second only
      // drops the rows of millisecond c at or after s. (The equivalent
      // "created_at < c OR (created_at = c AND seq < s)" made MariaDB walk from the newest
      // row down to the cursor: 1.1 s on page 2 000 of 300 000 rows instead of 4 ms.)
      query
        .andWhere('payments.created_at', '<=', cursor.createdAt)
        .andWhere((w) => w.where('payments.created_at', '<', cursor.createdAt).orWhere('payments.seq', '<', cursor.seq));
    }
    return query.orderBy([
      { column: 'payments.created_at', order: 'desc' },
      { column: 'payments.seq', order: 'desc' },
    ]);
  }
}

/**
 * The index a MySQL-family server must walk for this filter. MariaDB 10.11, given
 * `merchant_id = ? AND livemode = ? AND created_at <= ? ORDER BY created_at DESC`,
 * picks `ref` access on the (merchant_id, livemode) prefix and scans down from the
 * newest row to the cursor instead of starting there (measured: 0.8 s for a page
 * 100 000 rows deep in 300 000, 4 ms with the hint; docs/dashboard.md). The choice
 * is the one the indexes of migrations 011 and 012 were made for; searches by id,
 * order id or last 4 read a handful of rows and are left to the optimizer.
 */
function indexFor(filter: PaymentFilter): string | undefined {
  if (filter.search !== undefined) return filter.search.kind === 'email' ? 'payments_dash_email' : undefined;
  return filter.status !== undefined ? 'payments_dash_status' : 'payments_web_home_created_idx';
}

function applySearch(query: Knex.QueryBuilder, filter: PaymentFilter): void {
  const search = filter.search;
  if (search === undefined) return;
  switch (search.kind) {
    case 'payment_id':
      query.andWhere('payments.id', search.value);
      return;
    case 'email':
      query.andWhere('payments.customer_email', search.value);
      return;
    case 'last4_or_order':
      query.andWhere((w) => w.where('payments.card_last4', search.value).orWhere('payments.order_id', search.value));
      return;
    case 'order_id':
      query.andWhere('payments.order_id', search.value);
  }
}

/**
 * Amount bounds are typed in major units; a payment's amount is in its currency's
 * minor units, so the bound is converted once per exponent (0, 2, 3) and the
 * condition is grouped by the currencies that share it.
 */
function applyAmountRange(query: Knex.QueryBuilder, filter: PaymentFilter): void {
  if (filter.amountMin === undefined && filter.amountMax === undefined) return;
  const currencies = Object.values(CURRENCIES).filter((c) => filter.currency === undefined || c.code === filter.currency);
  const exponents = [...new Set(currencies.map((c) => c.exponent))];
  query.andWhere((any) => {
    for (const exponent of exponents) {
      const codes = currencies.filter((c) => c.exponent === exponent).map((c) => c.code);
      any.orWhere((group) => {
        group.whereIn('payments.currency', codes);
        if (filter.amountMin !== undefined) group.andWhere('payments.amount', '>=', decimalToMinor(filter.amountMin, exponent, 'ceil'));
        if (filter.amountMax !== undefined) group.andWhere('payments.amount', '<=', decimalToMinor(filter.amountMax, exponent, 'floor'));
      });
    }
  });
}

/**
 * "Any card" and a personal account are payment method types, read from core's
 * `payments.method_type` (set at confirm from the registered method's type), so the
 * search names no plugin's table: "any card" is every registered card-based method
 * (methodTypesOf). A card brand is the card column.
 */
function applyMethod(query: Knex.QueryBuilder, filter: PaymentFilter, methods: PaymentMethodRegistry): void {
  const method = filter.method;
  if (method === undefined) return;
  const types = methodTypesOf(method, methods.all());
  if (types === undefined) query.andWhere('payments.card_brand', method);
  else query.whereIn('payments.method_type', [...types]);
}
