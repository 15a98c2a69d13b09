import { Knex } from 'knex';
// Types only: database.ts imports this module to record each database's mode.
import type { Queryable } from './database';

/**
 * How reads wait for writes made through other nodes of a Galera cluster
 * (`TENDER_DB_CAUSAL_READS`):
 * - `request` (default): the first read of each API request (its key) and of each
 *   hosted-page request (its token) waits until the node has applied every write
 *   committed anywhere before it. The wait is node-wide, so every later read of that
 *   request sees them too: a confirm on one node right after the create on another
 *   finds the payment, for one wait per request.
 * - `all`: every read waits (`wsrep_sync_wait = 1` on each connection), including the
 *   dashboard's, the console's and background jobs'; the most expensive.
 * - `off`: no read waits; right only when the load balancer keeps each shop on one
 *   gateway (a request may otherwise answer 404 or 409 for a write made a moment
 *   earlier elsewhere; never a wrong write, since writes are version-checked).
 *
 * A server without Galera has nothing to wait for: MariaDB ignores the setting when
 * wsrep is off; MySQL does not know it (the per-connection setting's error is ignored).
 */
export type CausalReads = 'request' | 'all' | 'off';

/** The mode of each database (keyed by its client's config, which its transactions share). */
const modes = new WeakMap<object, CausalReads>();

/** Records the mode createDatabase was given, for `causalFirst`. */
export function setCausalReads(db: Queryable, mode: CausalReads): void {
  modes.set(clientConfig(db), mode);
}

/** knex types its client as `any`; the config object is all this module reads of it. */
function clientConfig(db: Queryable): { readonly client?: unknown } {
  return (db as unknown as { client: { config: { client?: unknown } } }).client.config;
}

/**
 * Runs `query`, a SELECT, as the first read of a request: on MySQL/MariaDB in
 * `request` mode it is sent as `SET STATEMENT wsrep_sync_wait = 1 FOR <select>`, so
 * on a Galera node it waits for the cluster's earlier writes (on a server without
 * Galera, MariaDB runs it as is). Otherwise the query runs unchanged. Resolves to the
 * rows.
 *
 * @example
 * ```ts
 * const [row] = await causalFirst(db, db('api_keys').where({ key_hash: hash }).limit(1));
 * ```
 */
export async function causalFirst(db: Queryable, query: Knex.QueryBuilder): Promise<Array<Record<string, unknown>>> {
  const config = clientConfig(db);
  if (config.client !== 'mysql2' || modes.get(config) !== 'request') return (await query) as Array<Record<string, unknown>>;
  const { sql, bindings } = query.toSQL().toNative();
  const [rows] = (await db.raw(`SET STATEMENT wsrep_sync_wait = 1 FOR ${sql}`, bindings)) as [Array<Record<string, unknown>>, unknown];
  return rows;
}
