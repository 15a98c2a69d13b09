import { Knex } from 'knex';
import { Queryable, isMysql } from './database';

/**
 * A table reference naming the one index a statement reads through:
 * `payments FORCE INDEX (payments_id_unique)` on MySQL/MariaDB, the bare table on
 * SQLite. Two uses: the payment path's hot statements (below), and queries whose plan
 * MariaDB gets wrong (the dashboard's keyset pages, docs/dashboard.md).
 *
 * Why on the payment path: before running a statement, MariaDB estimates how many
 * rows each usable index would read, with a descent into that index (an "index dive")
 * for every index whose leading columns the WHERE clause constrains. Nearly every index
 * on a merchant's table starts with `(merchant_id, livemode)`, so an UPDATE of one
 * payment by its id also dives into the ten dashboard and listing indexes, over the
 * merchant's whole range. Measured here (docs/performance.md, "Index dives"): planning
 * that UPDATE asked the buffer pool for 130 pages with a million payments of history
 * (30 with ten thousand) and took 0.25 to 0.3 ms longer than with the index named,
 * which asks for none. The estimates buy nothing on these statements: a unique key or
 * one covering index is always the right plan. Other statements keep the optimizer's
 * choice.
 *
 * SQLite's planner makes no such estimates, and its `INDEXED BY` would turn a dropped
 * index into an error, so SQLite gets the table name alone.
 *
 * `table` and `index` are identifiers from Tender's own code, never input.
 *
 * @example
 * ```ts
 * const changed = await q(usingIndex(q, 'payments', 'payments_id_unique'))
 *   .where({ id, merchant_id: ctx.merchantId, livemode: ctx.livemode, version })
 *   .update(patch);
 * // MariaDB: update `payments` FORCE INDEX (`payments_id_unique`) set ... where `id` = ? and ...
 * ```
 */
export function usingIndex(q: Queryable, table: string, index: string): Knex.Raw {
  return isMysql(q) ? q.raw('?? FORCE INDEX (??)', [table, index]) : q.raw('??', [table]);
}

/**
 * The same hint as SQL text, for statements written as raw SQL (multi-table UPDATEs,
 * which exist on MySQL/MariaDB only): `risk_assessments a FORCE INDEX (risk_assessments_payment)`.
 *
 * @example
 * ```ts
 * const sql = `UPDATE ${forcedIndexSql('risk_assessments', 'a', 'risk_assessments_payment')} LEFT JOIN ...`;
 * ```
 */
export function forcedIndexSql(table: string, alias: string, index: string): string {
  return `${table} ${alias} FORCE INDEX (${index})`;
}
