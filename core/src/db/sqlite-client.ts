import type { Knex } from 'knex';

/** The part of knex's transaction class this file relies on (knex ships no types for its dialect internals). */
interface KnexTransaction {
  query(connection: unknown, sql: string): Promise<unknown>;
}
type TransactionClass = new (...args: never[]) => KnexTransaction;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- knex's SQLite transaction class is reachable only by path
const SqliteTransaction = require('knex/lib/dialects/sqlite3/execution/sqlite-transaction') as TransactionClass;

/** knex's SQLite transaction, begun with `BEGIN IMMEDIATE` instead of `BEGIN`. */
class ImmediateTransaction extends SqliteTransaction {
  begin(connection: unknown): Promise<unknown> {
    return this.query(connection, 'BEGIN IMMEDIATE;');
  }
}

/**
 * Makes the transactions of a knex better-sqlite3 instance take SQLite's write lock
 * when they begin (`BEGIN IMMEDIATE`). A plain `BEGIN` is deferred: the transaction
 * reads under a snapshot and upgrades to a writer at its first write, and when another
 * process wrote to the file since that snapshot the upgrade fails at once with
 * `SQLITE_BUSY` ("database is locked"): `busy_timeout` cannot help, since waiting would
 * not make the snapshot current. Begun immediately, a transaction waits (up to
 * `busy_timeout`) for the other process's transaction to end and then reads what it
 * wrote, so N processes on one SQLite file queue as one writer at a time.
 *
 * The instance's client is changed, not its class: `db.client.config.client` stays
 * `'better-sqlite3'` for code that asks which dialect it runs on. Nested transactions
 * are savepoints inside the outer one and are not affected.
 *
 * @example
 * ```ts
 * const db = beginImmediately(knexFactory({ client: 'better-sqlite3', connection: { filename: 'data/tender.sqlite' }, useNullAsDefault: true }));
 * ```
 */
export function beginImmediately(db: Knex): Knex {
  const client = db.client as { transaction: (...args: unknown[]) => KnexTransaction };
  client.transaction = function (this: unknown, ...args: unknown[]): KnexTransaction {
    return new ImmediateTransaction(...([this, ...args] as never[]));
  };
  return db;
}
