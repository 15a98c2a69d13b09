import { Knex } from 'knex';
import { PluginError, PluginMigration } from '../plugins/plugin';

/** What the plugin migrator needs of a plugin: its name and its migration list. */
export interface MigratingPlugin {
  readonly name: string;
  readonly migrations?: readonly PluginMigration[];
}

const TABLE = 'tender_plugin_migrations';
const LOCK = 'tender_plugin_migrations_lock';
/** A lock older than this was left by a process that died mid-migration. */
const STALE_LOCK_MS = 10 * 60_000;
const LOCK_WAIT_STEP_MS = 100;
const LOCK_WAIT_STEPS = 1200;

/** One applied migration, as recorded. */
export interface AppliedPluginMigration {
  readonly plugin: string;
  readonly name: string;
  readonly ranAt: number;
  /** The core migration that created the same tables before the plugin had its own (migration 016). */
  readonly adoptedFrom: string | null;
}

/**
 * Applies each plugin's migrations that this database has not recorded, plugin by
 * plugin in load order, each in list order, each in a transaction together with its
 * record in tender_plugin_migrations (on MariaDB a DDL statement still commits on
 * its own, as with core's migrations). Core's migrations must have run (016 creates
 * the tables). One process at a time: the others wait for the lock row.
 *
 * @example
 * ```ts
 * await migrateToLatest(db);
 * await migratePlugins(db, [isoPlugin, assistPlugin]);
 * ```
 */
export async function migratePlugins(db: Knex, plugins: readonly MigratingPlugin[]): Promise<void> {
  if (!plugins.some((p) => (p.migrations ?? []).length > 0)) return;
  await withLock(db, async () => {
    for (const plugin of plugins) {
      const done = new Set((await db(TABLE).where({ plugin: plugin.name }).select('name')).map((r: { name: string }) => r.name));
      for (const migration of plugin.migrations ?? []) {
        if (done.has(migration.name)) continue;
        try {
          await db.transaction(async (trx) => {
            await migration.up(trx);
            await trx(TABLE).insert({ plugin: plugin.name, name: migration.name, ran_at: Date.now(), adopted_from: null });
          });
        } catch (error) {
          throw new PluginError(`plugin ${plugin.name}: migration ${migration.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  });
}

/**
 * Undoes a plugin's applied migrations, newest first, down to (not including)
 * `keep` when given; each needs a `down`. For operators removing a plugin and for
 * tests; the gateway never calls it.
 */
export async function rollbackPlugin(db: Knex, plugin: MigratingPlugin, keep?: string): Promise<string[]> {
  const undone: string[] = [];
  await withLock(db, async () => {
    const applied = new Set((await db(TABLE).where({ plugin: plugin.name }).select('name')).map((r: { name: string }) => r.name));
    const list = [...(plugin.migrations ?? [])];
    const from = keep === undefined ? 0 : list.findIndex((m) => m.name === keep) + 1;
    for (const migration of list.slice(from).reverse()) {
      if (!applied.has(migration.name)) continue;
      if (migration.down === undefined) throw new PluginError(`plugin ${plugin.name}: migration ${migration.name} has no down`);
      const down = migration.down.bind(migration);
      await db.transaction(async (trx) => {
        await down(trx);
        await trx(TABLE).where({ plugin: plugin.name, name: migration.name }).delete();
      });
      undone.push(migration.name);
    }
  });
  return undone;
}

/** Every recorded plugin migration, oldest record first. */
export async function appliedPluginMigrations(db: Knex): Promise<AppliedPluginMigration[]> {
  const rows: Array<{ plugin: string; name: string; ran_at: number | string; adopted_from: string | null }> = await db(TABLE)
    .select()
    .orderBy([{ column: 'ran_at' }, { column: 'plugin' }, { column: 'name' }]);
  return rows.map((r) => ({ plugin: r.plugin, name: r.name, ranAt: Number(r.ran_at), adoptedFrom: r.adopted_from }));
}

async function withLock(db: Knex, work: () => Promise<void>): Promise<void> {
  for (let step = 0; ; step++) {
    const now = Date.now();
    const taken = await db(LOCK)
      .where({ id: 1 })
      .andWhere((w) => w.whereNull('locked_at').orWhere('locked_at', '<', now - STALE_LOCK_MS))
      .update({ locked_at: now });
    if (taken === 1) break;
    if (step >= LOCK_WAIT_STEPS)
      throw new PluginError(`plugin migrations are locked by another process (${LOCK}); if none is running, set its locked_at to NULL`);
    await new Promise((resolve) => setTimeout(resolve, LOCK_WAIT_STEP_MS));
  }
  try {
    await work();
  } finally {
    await db(LOCK).where({ id: 1 }).update({ locked_at: null });
  }
}

/** Each loaded plugin's migrations this database has not recorded, as `<plugin>: <migration>`. */
export async function pendingPluginMigrations(db: Knex, plugins: readonly MigratingPlugin[]): Promise<string[]> {
  if (!plugins.some((p) => (p.migrations ?? []).length > 0)) return [];
  const done = new Set((await db(TABLE).select('plugin', 'name')).map((r: { plugin: string; name: string }) => `${r.plugin}: ${r.name}`));
  return plugins.flatMap((p) => (p.migrations ?? []).map((m) => `${p.name}: ${m.name}`)).filter((key) => !done.has(key));
}
