import type { Knex } from 'knex';

/**
 * knex's own rendering of a statement with its values (`select ... where id = 'x'`), which
 * it puts in front of a failed statement's message. Not part of knex's typed API; knex
 * is pinned by the lockfile and the MariaDB test run goes through this module, so an
 * upgrade that moves it fails loudly.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { formatQuery } = require('knex/lib/execution/internal/query-executioner') as {
  formatQuery: (sql: string, bindings: unknown, timeZone: undefined, client: unknown) => string;
};

/** What a builder's `toSQL()` returns for one statement (knex ships no type for it). */
interface CompiledStatement {
  sql: string;
  bindings?: unknown;
  options?: object;
  method?: string;
  /** knex compiles "no timeout" as `false`. */
  timeout?: number | false;
  queryContext?: unknown;
  response?: [unknown, unknown];
}

/** The builder members the runner reads (query, raw and schema builders all have them). */
interface RunnableBuilder {
  toSQL(): CompiledStatement | CompiledStatement[];
  queryContext(): unknown;
  eventNames(): (string | symbol)[];
  _connection?: unknown;
  _debug?: boolean;
}

/** knex's Runner, as a builder's `then`, `stream` and `pipe` use it. */
interface Runner {
  run(): Promise<unknown>;
  stream(...args: unknown[]): unknown;
  pipe(...args: unknown[]): unknown;
}

/** A mysql2 callback connection, as knex's pool hands it out; knex tags it with ids for its query events. */
interface PooledConnection {
  __knexUid?: string;
  __knexTxId?: string;
  query(options: object, bindings: unknown, callback: (error: Error | null, rows: unknown, fields: unknown) => void): unknown;
}

/** The members of knex's client (typed `any` by knex) used here; the client is an EventEmitter. */
interface RunnerClient {
  runner: (this: RunnerClient, builder: RunnableBuilder) => Runner;
  query: (this: RunnerClient, connection: PooledConnection, statement: CompiledStatement | string) => Promise<CompiledStatement>;
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<unknown>;
  processResponse(answered: CompiledStatement, runner: object): unknown;
  postProcessResponse(response: unknown, queryContext: unknown): unknown;
  emit(event: string, ...args: unknown[]): boolean;
  listenerCount(event: string): number;
}

/**
 * Makes the statements of a MySQL/MariaDB knex instance run with less of knex around
 * them: builders are still compiled by knex (`toSQL`) and answers still shaped by it
 * (`processResponse`: rows, `first`'s row, insert ids, affected rows), but in between
 * there is one async function and mysql2. Per statement, knex's Runner builds a runner
 * object, goes through `run`, `ensureConnection` and `query` (three async functions),
 * acquires and releases the connection as two more promises even inside a transaction,
 * chains three `then`s for the answer, emits six events nobody in Tender listens to,
 * and its `client.query` copies the statement twice, escapes `%` in the SQL for a debug
 * logger that is off, and wraps the driver's callback in a promise and a `catch`. Each
 * promise also runs the request context's AsyncLocalStorage hook. Measured in process
 * (bench/statement-runner-cost.ts): about 2 µs per statement, 1 to 2 % of the
 * gateway's CPU (docs/performance.md, "knex's runner, taken out and measured").
 *
 * Kept as knex does it: the `query` event with `__knexUid` and `__knexTxId` (the
 * statement log and the statement-counting tests read it; built only when someone
 * listens), `query-error` and `query-response`, and a failed statement's message
 * starting with the statement and its values, then ` - ` and the server's message (its
 * `code` and `errno` untouched). Not kept: knex's `DEBUG=knex:query` output, and the
 * builder's own events. A builder that has listeners, a statement timeout, its own
 * connection or `debug()`, several statements (`toSQL` returning a list) and streams
 * go to knex's Runner unchanged. Transactions' clients inherit all of this from the
 * pool's client (connection-transaction.ts keeps its checks in front of it); knex's own
 * transactions (savepoints) build their clients from knex's classes and keep knex's.
 *
 * @example
 * ```ts
 * const db = useLeanRunner(knexFactory({ client: 'mysql2', connection: url }));
 * await db('payments').where({ id }).first(); // one async function between toSQL and mysql2
 * ```
 */
export function useLeanRunner(db: Knex): Knex {
  const pool = db.client as RunnerClient;
  // The prototype's, unbound: knex's Runner must run on the builder's own client (a
  // transaction's client has its connection), never on the pool's.
  const knexRunner = pool.runner;
  pool.runner = function (this: RunnerClient, builder: RunnableBuilder): Runner {
    // `this` is the builder's client: the pool's, or a transaction's.
    return {
      run: () => runStatement(pool, this, builder, knexRunner),
      stream: (...args) => knexRunner.call(this, builder).stream(...args),
      pipe: (...args) => knexRunner.call(this, builder).pipe(...args),
    };
  };
  pool.query = function (this: RunnerClient, connection: PooledConnection, statement: CompiledStatement | string): Promise<CompiledStatement> {
    return sendStatement(pool, this, connection, typeof statement === 'string' ? { sql: statement } : statement);
  };
  return db;
}

async function runStatement(pool: RunnerClient, client: RunnerClient, builder: RunnableBuilder, knexRunner: RunnerClient['runner']): Promise<unknown> {
  if (builder._connection !== undefined || builder._debug === true || builder.eventNames().length > 0) return knexRunner.call(client, builder).run();
  const statement = builder.toSQL();
  if (Array.isArray(statement) || (statement.timeout ?? false) !== false) return knexRunner.call(client, builder).run();
  const queryContext = builder.queryContext();
  statement.queryContext = queryContext;
  const connection = await client.acquireConnection();
  let answered: CompiledStatement;
  try {
    answered = await client.query(connection, statement);
  } finally {
    await client.releaseConnection(connection);
  }
  // knex's dialects read only `client`, `builder` and `connection` of the runner they are handed.
  const result = client.postProcessResponse(client.processResponse(answered, { client, builder, connection }), queryContext);
  if (pool.listenerCount('query-response') > 0) client.emit('query-response', result, tagged(connection, statement), builder);
  return result;
}

/**
 * Runs one statement on the driver. `client` is the one the statement belongs to (the
 * pool's or a transaction's, whose listeners pass events on to the pool's); `pool` is
 * where listeners are counted, so a transaction's relay alone does not make the event.
 */
function sendStatement(pool: RunnerClient, client: RunnerClient, connection: PooledConnection, statement: CompiledStatement): Promise<CompiledStatement> {
  if (statement.sql === '') return Promise.reject(new Error('The query is empty'));
  if (pool.listenerCount('query') > 0) client.emit('query', tagged(connection, statement));
  return new Promise((resolve, reject) => {
    connection.query(
      statement.options === undefined ? { sql: statement.sql } : { ...statement.options, sql: statement.sql },
      statement.bindings,
      (error, rows, fields) => {
        if (error === null) {
          statement.response = [rows, fields];
          resolve(statement);
          return;
        }
        error.message = `${formatQuery(statement.sql, statement.bindings, undefined, client)} - ${error.message}`;
        if (pool.listenerCount('query-error') > 0) client.emit('query-error', error, tagged(connection, statement));
        reject(error);
      },
    );
  });
}

/** The statement as knex's events carry it: with the connection's and the transaction's ids. */
function tagged(connection: PooledConnection, statement: CompiledStatement): CompiledStatement & { __knexUid?: string; __knexTxId?: string } {
  return { __knexUid: connection.__knexUid, __knexTxId: connection.__knexTxId, ...statement };
}
