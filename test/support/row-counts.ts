import { Knex } from 'knex';

/** Rows per table of the gateway's database (migration and rate-limit bookkeeping left out). */
export type RowCounts = Readonly<Record<string, number>>;

/**
 * Counts the rows of every table in one query, on SQLite or MariaDB, so a test can
 * say that a refused request wrote nothing anywhere (tables added by later
 * migrations and by plugins are included without listing them).
 *
 * @example
 * ```ts
 * const counter = await RowCounter.of(t.gateway.db);
 * const before = await counter.counts();
 * // ... a refused request ...
 * assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
 * ```
 */
export class RowCounter {
  private constructor(
    private readonly db: Knex,
    readonly tables: readonly string[],
  ) {}

  static async of(db: Knex): Promise<RowCounter> {
    const sqlite = db.client.config.client === 'better-sqlite3' || db.client.config.client === 'sqlite3';
    const rows = sqlite
      ? ((await db.raw("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")) as Array<{ name: string }>)
      : ((await db.raw('select table_name as name from information_schema.tables where table_schema = database()')) as unknown as [Array<{ name: string }>])[0];
    // rate_counters left out too: counting a refused submission is what a rate limit is for.
    const tables = rows
      .map((r) => r.name)
      .filter((n) => !n.startsWith('tender_migrations') && n !== 'rate_counters')
      .sort();
    return new RowCounter(db, tables);
  }

  async counts(): Promise<RowCounts> {
    const select = this.tables.map((t, i) => `(select count(*) from \`${t}\`) as c${i}`).join(', ');
    const result = (await this.db.raw(`select ${select}`)) as unknown;
    const row = (Array.isArray(result) && Array.isArray(result[0]) ? result[0][0] : Array.isArray(result) ? result[0] : undefined) as Record<string, unknown>;
    return Object.fromEntries(this.tables.map((t, i) => [t, Number(row[`c${i}`])]));
  }

  /** Tables whose count differs, as `table: before -> after`. */
  static changed(before: RowCounts, after: RowCounts): string[] {
    return Object.keys(after)
      .filter((t) => before[t] !== after[t])
      .map((t) => `${t}: ${before[t]} -> ${after[t]}`);
  }
}
