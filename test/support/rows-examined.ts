import { Knex } from 'knex';

/** One statement as knex sent it: SQL with `?` placeholders, and its values. */
export interface LoggedStatement {
  readonly sql: string;
  readonly bindings: readonly unknown[];
}

/**
 * Every statement `db` sends while `work` runs, in order (knex's `query` event: the
 * gateway's own statements when `db` is its knex).
 *
 * @example
 * ```ts
 * const statements = await statementsOf(gateway.db, () => payAs(shop, CARDS.visa, {}));
 * ```
 */
export async function statementsOf(db: Knex, work: () => Promise<unknown>): Promise<LoggedStatement[]> {
  const log: LoggedStatement[] = [];
  const listener = (q: { sql: string; bindings?: readonly unknown[] }): void => {
    log.push({ sql: q.sql.replace(/\s+/g, ' ').trim(), bindings: q.bindings ?? [] });
  };
  db.on('query', listener);
  try {
    await work();
  } finally {
    db.off('query', listener);
  }
  return log;
}

/** Whether MariaDB's ANALYZE can run the statement: a read, or a write that reads (INSERT ... SELECT). */
export function readsRows(sql: string): boolean {
  return /^\s*(select|update|delete)\b/i.test(sql) || /^\s*insert\b.*\bselect\b/i.test(sql);
}

/**
 * How many rows MariaDB reads to run `statement` now: `ANALYZE FORMAT=JSON` runs it
 * (in a transaction rolled back afterwards, so a write changes nothing) and reports,
 * for each table access, how often it ran (`r_loops`) and the rows it read each time
 * (`r_rows`); their products are summed over every access, subqueries and unions
 * included (a lookup by a whole unique key, read while the plan is made, counts 1;
 * the statement's own temporary tables, such as a materialized subquery, do not count).
 *
 * @example
 * ```ts
 * await rowsExamined(db, { sql: 'SELECT * FROM payments WHERE id = ?', bindings: ['pay_1'] }); // 1
 * ```
 */
export async function rowsExamined(db: Knex, statement: LoggedStatement): Promise<{ rows: number; plan: unknown }> {
  let plan: unknown;
  const trx = await db.transaction();
  try {
    const [result] = (await trx.raw(`ANALYZE FORMAT=JSON ${statement.sql}`, statement.bindings as Knex.RawBinding[])) as [Array<Record<string, string>>];
    const text = Object.values(result[0] ?? {})[0] ?? '{}';
    plan = JSON.parse(text);
  } finally {
    await trx.rollback();
  }
  return { rows: Math.round(sumAccesses(plan)), plan };
}

/** r_loops * r_rows over every table access in an ANALYZE plan. */
function sumAccesses(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((sum: number, n) => sum + sumAccesses(n), 0);
  if (node === null || typeof node !== 'object') return 0;
  let sum = 0;
  const record = node as Record<string, unknown>;
  // `<derived2>`, `<union1,2>`: temporary tables of the statement's own results, not rows of the database.
  if (typeof record.table_name === 'string' && !record.table_name.startsWith('<')) {
    if (typeof record.r_rows === 'number') sum += (typeof record.r_loops === 'number' ? record.r_loops : 1) * record.r_rows;
    // A lookup by a whole unique key is read once while the plan is made, and has no r_rows.
    else if (record.access_type === 'const' || record.access_type === 'system') sum += 1;
  }
  for (const value of Object.values(record)) sum += sumAccesses(value);
  return sum;
}

/** One table of a statement and the indexes MariaDB estimated a range read of while planning it. */
export interface RangeEstimates {
  readonly table: string;
  readonly indexes: readonly string[];
}

/**
 * The indexes MariaDB dives into to estimate rows while it plans `statement`
 * (`range_scan_alternatives` of its optimizer trace, per table): each costs a descent
 * into that index at both ends of the range, more pages the longer the range, so a
 * statement that names its row by a unique key should estimate little else
 * (core/src/db/index-hint.ts). Planning only: the statement is EXPLAINed, not run. The
 * trace is per session, so this takes one connection of its own for the statement.
 *
 * @example
 * ```ts
 * await rangeEstimates(db, { sql: 'UPDATE payments SET note = ? WHERE id = ? AND merchant_id = ?', bindings: [...] });
 * // [{ table: 'payments', indexes: ['payments_id_unique', 'payments_merchant_id_livemode_seq_index', ...] }]
 * ```
 */
export async function rangeEstimates(db: Knex, statement: LoggedStatement): Promise<RangeEstimates[]> {
  const trx = await db.transaction();
  try {
    await trx.raw("SET SESSION optimizer_trace = 'enabled=on'");
    await trx.raw(`EXPLAIN ${statement.sql}`, statement.bindings as Knex.RawBinding[]);
    const [rows] = (await trx.raw('SELECT trace FROM information_schema.optimizer_trace')) as [Array<{ trace: string }>];
    const found: RangeEstimates[] = [];
    collectRangeEstimates(JSON.parse(rows[0]?.trace ?? '{}'), undefined, found);
    return found;
  } finally {
    // Off again before the connection goes back to the pool, also when the EXPLAIN failed.
    try {
      await trx.raw("SET SESSION optimizer_trace = 'enabled=off'");
    } finally {
      await trx.rollback();
    }
  }
}

/** Walks a trace: a `range_analysis` under a node naming its `table` lists that table's estimated indexes. */
function collectRangeEstimates(node: unknown, table: string | undefined, found: RangeEstimates[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectRangeEstimates(n, table, found);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const here = typeof record.table === 'string' ? record.table : table;
  const analysis = record.range_analysis as { analyzing_range_alternatives?: { range_scan_alternatives?: Array<{ index?: unknown }> } } | undefined;
  const alternatives = analysis?.analyzing_range_alternatives?.range_scan_alternatives;
  if (alternatives !== undefined && here !== undefined) found.push({ table: here, indexes: alternatives.map((a) => String(a.index)) });
  for (const value of Object.values(record)) collectRangeEstimates(value, here, found);
}
