import { Knex } from 'knex';

/**
 * Plugins own their tables (docs/plugins.md, "Migrations").
 *
 * `tender_plugin_migrations`: one row per plugin migration applied, keyed by plugin
 * package name and migration name; `adopted_from` names the core migration that had
 * created the same tables before plugins had migrations of their own.
 * `tender_plugin_migrations_lock`: one row; a process running plugin migrations
 * holds it (locked_at), so two gateways starting together do not both run them.
 *
 * Up to this version core's own migrations created the Assist, Saleor and ISO 8583
 * tables. On a database where they ran, the tables and their rows stay as they are:
 * this migration records the plugins' equivalent migrations as already applied and
 * removes the old names from core's list (tender_migrations).
 */
export const LEGACY_PLUGIN_MIGRATIONS: ReadonlyArray<{ readonly core: string; readonly plugin: string; readonly name: string; readonly table: string }> = [
  { core: '005-routing', plugin: '@tender/adapter-iso8583', name: '001-iso8583-link', table: 'iso8583_journal' },
  { core: '009-assist', plugin: '@tender/plugin-assist-compat', name: '001-assist-tables', table: 'assist_merchants' },
  { core: '010-saleor', plugin: '@tender/plugin-saleor', name: '001-saleor-tables', table: 'saleor_installations' },
  { core: '014-saleor-outside-refunds', plugin: '@tender/plugin-saleor', name: '002-saleor-outside-refunds', table: 'saleor_transactions' },
  { core: '015-saleor-install-secrets', plugin: '@tender/plugin-saleor', name: '003-saleor-install-secrets', table: 'saleor_installations' },
];

/** Core's own list still has 005-routing (now without the ISO 8583 tables); the others left it. */
const STILL_CORE = new Set(['005-routing']);

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tender_plugin_migrations', (t) => {
    t.string('plugin', 214).notNullable();
    t.string('name', 100).notNullable();
    t.bigInteger('ran_at').notNullable();
    t.string('adopted_from', 100).nullable();
    t.primary(['plugin', 'name']);
  });
  await knex.schema.createTable('tender_plugin_migrations_lock', (t) => {
    t.integer('id').primary();
    t.bigInteger('locked_at').nullable();
  });
  await knex('tender_plugin_migrations_lock').insert({ id: 1, locked_at: null });

  const ran = new Set((await knex('tender_migrations').select('name')).map((r: { name: string }) => r.name));
  const now = Date.now();
  for (const legacy of LEGACY_PLUGIN_MIGRATIONS) {
    // The table check tells the old 005-routing (with ISO 8583 tables) from today's.
    if (!ran.has(legacy.core) || !(await knex.schema.hasTable(legacy.table))) continue;
    await knex('tender_plugin_migrations').insert({ plugin: legacy.plugin, name: legacy.name, ran_at: now, adopted_from: legacy.core });
    if (!STILL_CORE.has(legacy.core)) await knex('tender_migrations').where({ name: legacy.core }).delete();
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('tender_plugin_migrations_lock');
  await knex.schema.dropTableIfExists('tender_plugin_migrations');
}
