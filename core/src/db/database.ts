import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { DatabaseConfig } from '../config/config';
import { beginImmediately } from './sqlite-client';
import { CausalReads, setCausalReads } from './causal-read';
import { useLeanRunner } from './lean-runner';

/** Injection token of the knex instance every repository uses. */
export const DATABASE = Symbol('Database');

export type Database = Knex;
export type Transaction = Knex.Transaction;
/** Anything a repository can run a query on: the pool or an open transaction. */
export type Queryable = Knex | Knex.Transaction;

/**
 * Builds the knex instance for the configured dialect: MySQL/MariaDB through mysql2,
 * or SQLite through better-sqlite3 as the embedded default.
 *
 * SQLite gets one connection: better-sqlite3 is synchronous, and one writer with
 * transactions taking turns is exactly SQLite's model; WAL keeps readers from
 * blocking on it within that process. Several processes on one file take turns too:
 * transactions begin with `BEGIN IMMEDIATE` (beginImmediately) and wait up to
 * `busy_timeout` for the write lock, instead of failing with "database is locked" when
 * a deferred transaction cannot upgrade to a writer. The wait blocks that process's
 * event loop (better-sqlite3 is synchronous), which one short transaction at a time keeps
 * brief.
 *
 * On MySQL/MariaDB, `causalReads` (default `request`) says which reads wait, on a
 * Galera cluster, for writes committed through other nodes (causal-read.ts).
 *
 * @example
 * ```ts
 * const db = createDatabase({ client: 'sqlite', filename: 'data/tender.sqlite', embeddedDefault: true });
 * const cluster = createDatabase({ client: 'mysql', url: 'mysql://tender@10.0.0.11/tender' }, { poolMax: 20, causalReads: 'request' });
 * ```
 */
export function createDatabase(config: DatabaseConfig, options: { poolMax?: number; causalReads?: CausalReads } = {}): Database {
  if (config.client === 'sqlite') {
    fs.mkdirSync(path.dirname(config.filename), { recursive: true });
    return beginImmediately(
      knexFactory({
        client: 'better-sqlite3',
        connection: { filename: config.filename },
        useNullAsDefault: true,
        pool: {
          min: 1,
          max: 1,
          afterCreate: (conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
            conn.pragma('journal_mode = WAL');
            conn.pragma('foreign_keys = ON');
            conn.pragma('busy_timeout = 5000');
            conn.pragma('synchronous = NORMAL');
            done(null, conn);
          },
        },
      }),
    );
  }
  const url = new URL(config.url);
  const causalReads = options.causalReads ?? 'request';
  const db = knexFactory({
    client: 'mysql2',
    connection: {
      host: url.hostname,
      port: url.port === '' ? 3306 : Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.replace(/^\//, ''),
      charset: 'utf8mb4',
      // Exact integers: BIGINT comes back as a number when it fits, else as a string.
      supportBigNumbers: true,
      bigNumberStrings: false,
      timezone: 'Z',
    },
    pool: {
      min: 0,
      max: options.poolMax ?? 10,
      afterCreate: (conn: MysqlCallbackConnection, done: (err: Error | null, conn: unknown) => void) => {
        if (causalReads !== 'all') {
          done(null, conn);
          return;
        }
        // Every read waits (causal-read.ts). A server without Galera ignores it (MariaDB
        // with wsrep off) or does not know the variable (MySQL): either way there is
        // nothing to wait for, so an error is not one.
        conn.query('SET SESSION wsrep_sync_wait = 1', () => {
          done(null, conn);
        });
      },
    },
  });
  // Statements run without knex's Runner (lean-runner.ts); SQLite keeps knex's.
  useLeanRunner(db);
  setCausalReads(db, causalReads);
  return db;
}

/** The one method of mysql2's callback connection the pool's set-up uses. */
interface MysqlCallbackConnection {
  query(sql: string, callback: (error: Error | null) => void): void;
}

export function isMysql(db: Queryable): boolean {
  return db.client.config.client === 'mysql2';
}

/**
 * `SELECT ... FOR UPDATE` where the dialect has row locks. SQLite has none and needs
 * none: its single connection already runs one transaction at a time.
 */
export function forUpdate<T extends Knex.QueryBuilder>(db: Queryable, query: T): T {
  return isMysql(db) ? (query.forUpdate() as T) : query;
}

/** True when an insert failed on a unique index, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; errno?: unknown };
  return e.code === 'ER_DUP_ENTRY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.errno === 1062;
}

/**
 * Locks the rows `query` matches so that the lock also holds on a Galera cluster:
 * an UPDATE that adds 1 to `column` (a bigint such as `updated_at`, moved by one
 * millisecond) of every matched row, instead of `SELECT ... FOR UPDATE`. On one
 * server it blocks a second locker exactly like FOR UPDATE. On Galera, where row
 * locks are not held across nodes and a plain FOR UPDATE is not certified, the
 * changed rows enter the write set: two transactions taking the same lock on two
 * nodes conflict at COMMIT, the loser gets 1213 and `inTransaction` runs it again,
 * now seeing the winner's writes. SQLite serializes transactions already: no write.
 *
 * Use it where the locked rows themselves are not written afterwards (a guard row, a
 * parent whose children are checked); a row the transaction updates anyway is
 * certified without it.
 *
 * @example
 * ```ts
 * await lockRowsForCluster(trx, trx('web_accounts').where({ merchant_id: id, role: 'owner' }), 'updated_at');
 * ```
 */
export async function lockRowsForCluster(db: Queryable, query: Knex.QueryBuilder, column: string): Promise<number> {
  if (!isMysql(db)) return 0;
  return query.increment(column, 1);
}
