import { Knex } from 'knex';

/** Rows of one table, as the database returned them. */
export interface TableRows {
  readonly table: string;
  readonly rows: ReadonlyArray<Record<string, unknown>>;
}

/**
 * The rows `work` added to a MariaDB database, table by table (found by primary key:
 * every row whose key was not there before). Meant for a small database: it reads
 * every table's keys before and every table's rows after.
 *
 * @example
 * ```ts
 * const added = await rowsAddedBy(db, () => payAs(shop, CARDS.visa, { ip, email }));
 * ```
 */
export async function rowsAddedBy(db: Knex, work: () => Promise<unknown>): Promise<TableRows[]> {
  const keys = await primaryKeys(db);
  const before = new Map<string, Set<string>>();
  for (const [table, columns] of keys) before.set(table, new Set((await db(table).select(columns)).map((r: Record<string, unknown>) => keyOf(r, columns))));
  await work();
  const added: TableRows[] = [];
  for (const [table, columns] of keys) {
    const seen = before.get(table) ?? new Set<string>();
    const rows = (await db(table).select('*')).filter((r: Record<string, unknown>) => !seen.has(keyOf(r, columns)));
    if (rows.length > 0) added.push({ table, rows });
  }
  return added;
}

/**
 * Writes `copies` copies of these rows into their tables, as if the same thing had
 * happened `copies` times before, one every `spacingMs`: the id of each seed row
 * (`pay_...`, `evt_...`) gets a new tail of the same length everywhere it appears (so
 * a copy's event names the copy's payment; the merchant's and endpoints' ids stay),
 * every other value of a unique index gets one too, and each `*_at` time within a day
 * of `now` moves back by the copy's offset. Copies keep everything else: the same
 * merchant, card, IP and e-mail.
 *
 * @example
 * ```ts
 * await cloneHistory(db, added, 20_000, 1000, Date.now());
 * ```
 */
export async function cloneHistory(db: Knex, seed: readonly TableRows[], copies: number, spacingMs: number, now: number): Promise<void> {
  // The ids of the rows the seed created (a payment, its card, operation, events): what a copy renames, wherever it appears.
  const ids = new Set<string>();
  for (const { rows } of seed) for (const row of rows) if (typeof row.id === 'string' && row.id.length >= 8) ids.add(row.id);
  const uniques = await uniqueIndexes(db);
  const counters = await autoIncrementColumns(db);
  for (const { table, rows } of seed) {
    const numbered = counters.get(table);
    // The database numbers an auto-increment column itself: copies leave it out.
    const indexes = (uniques.get(table) ?? []).filter((columns) => numbered === undefined || !columns.includes(numbered));
    for (let from = 0; from < copies; from += BATCH) {
      const batch: Array<Record<string, unknown>> = [];
      for (let k = from; k < Math.min(copies, from + BATCH); k++)
        for (const row of rows) batch.push(copyOf(table, row, k, ids, indexes, now, spacingMs, numbered));
      await db(table).insert(batch);
    }
  }
}

const BATCH = 500;
const DAY = 86_400_000;

/** Columns a copy keeps even in a unique index: what makes the history the same merchant's, card's, address's. */
const KEPT = new Set(['merchant_id', 'livemode', 'card_fingerprint', 'key_hash', 'currency', 'ip', 'email', 'mode']);

function copyOf(
  table: string,
  row: Record<string, unknown>,
  k: number,
  ids: ReadonlySet<string>,
  indexes: ReadonlyArray<readonly string[]>,
  now: number,
  spacingMs: number,
  numbered: string | undefined,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (column === numbered) continue;
    if (typeof value === 'string') {
      let v = value;
      if (ids.has(v)) v = retail(v, k);
      else for (const id of ids) if (v.includes(id)) v = v.split(id).join(retail(id, k));
      copy[column] = v;
    } else if (column.endsWith('_at') && typeof value === 'number' && Math.abs(value - now) < DAY) copy[column] = value - (k + 1) * spacingMs;
    else copy[column] = value;
  }
  for (const columns of indexes) {
    if (columns.some((c) => copy[c] !== row[c] || row[c] === null)) continue;
    const free = columns.filter((c) => typeof row[c] === 'string' && !KEPT.has(c));
    const column = free[free.length - 1];
    if (column === undefined) throw new Error(`${table}: no column of unique index (${columns.join(', ')}) to tell copies apart`);
    copy[column] = retail(String(row[column]), k);
  }
  return copy;
}

/** `value` with its last 7 characters replaced by copy `k`'s tag ('~' and k in base 36): the same length, never an original value. */
function retail(value: string, k: number): string {
  const tag = `~${k.toString(36).padStart(6, '0')}`;
  return value.length >= tag.length ? value.slice(0, value.length - tag.length) + tag : `${value}${tag}`;
}

function keyOf(row: Record<string, unknown>, columns: readonly string[]): string {
  return JSON.stringify(columns.map((c) => row[c]));
}

/** Each table's primary key columns, in order. */
async function primaryKeys(db: Knex): Promise<Map<string, string[]>> {
  const [rows] = (await db.raw(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = DATABASE() AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY TABLE_NAME, ORDINAL_POSITION`,
  )) as [Array<{ t: string; c: string }>];
  const keys = new Map<string, string[]>();
  for (const r of rows) keys.set(r.t, [...(keys.get(r.t) ?? []), r.c]);
  return keys;
}

/** Each table's auto-increment column. */
async function autoIncrementColumns(db: Knex): Promise<Map<string, string>> {
  const [rows] = (await db.raw(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND EXTRA LIKE '%auto_increment%'`,
  )) as [Array<{ t: string; c: string }>];
  return new Map(rows.map((r) => [r.t, r.c]));
}

/** Each table's unique indexes (the primary key included), as their columns. */
async function uniqueIndexes(db: Knex): Promise<Map<string, string[][]>> {
  const [rows] = (await db.raw(
    `SELECT TABLE_NAME AS t, INDEX_NAME AS i, COLUMN_NAME AS c FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND NON_UNIQUE = 0 ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
  )) as [Array<{ t: string; i: string; c: string }>];
  const byIndex = new Map<string, { table: string; columns: string[] }>();
  for (const r of rows) {
    const entry = byIndex.get(`${r.t}.${r.i}`) ?? { table: r.t, columns: [] };
    entry.columns.push(r.c);
    byIndex.set(`${r.t}.${r.i}`, entry);
  }
  const unique = new Map<string, string[][]>();
  for (const { table, columns } of byIndex.values()) unique.set(table, [...(unique.get(table) ?? []), columns]);
  return unique;
}
