import assert from 'node:assert/strict';
import { Database, PluginError, PluginMigration, appliedPluginMigrations, createDatabase, migratePlugins, migrateToLatest, rollbackPlugin } from '@tender/core';
import { TestDatabase, createTestDatabase } from '../support/test-database';

const createNotes: PluginMigration = {
  name: '001-notes',
  up: (db) =>
    db.schema.createTable('acme_notes', (t) => {
      t.string('id', 40).primary();
      t.string('text', 200).notNullable();
    }),
  down: (db) => db.schema.dropTable('acme_notes'),
};
const addAuthor: PluginMigration = {
  name: '002-note-author',
  up: (db) => db.schema.alterTable('acme_notes', (t) => void t.string('author', 80).nullable()),
  down: (db) => db.schema.alterTable('acme_notes', (t) => void t.dropColumn('author')),
};

describe('plugin migrations: tracked per plugin in tender_plugin_migrations', () => {
  let database: TestDatabase;
  let db: Database;

  before(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.config);
    await migrateToLatest(db);
  });
  after(async () => {
    await db.destroy();
    await database.drop();
  });

  it('applies each migration once, in order, per plugin; a new one later runs alone', async () => {
    const acme = { name: '@acme/notes', migrations: [createNotes] };
    await migratePlugins(db, [acme]);
    await db('acme_notes').insert({ id: 'n1', text: 'kept' });
    await migratePlugins(db, [acme]);
    await migratePlugins(db, [{ ...acme, migrations: [createNotes, addAuthor] }]);
    assert.deepEqual(await db('acme_notes').select('id', 'text', 'author'), [{ id: 'n1', text: 'kept', author: null }]);
    const applied = (await appliedPluginMigrations(db)).filter((m) => m.plugin === '@acme/notes');
    assert.deepEqual(
      applied.map((m) => [m.name, m.adoptedFrom]),
      [
        ['001-notes', null],
        ['002-note-author', null],
      ],
    );
    // Another plugin's migration of the same name is its own.
    await migratePlugins(db, [
      { name: '@other/notes', migrations: [{ name: '001-notes', up: (k) => k.schema.createTable('other_notes', (t) => void t.string('id').primary()) }] },
    ]);
    assert.equal((await appliedPluginMigrations(db)).filter((m) => m.name === '001-notes').length, 2);
  });

  it('a failing migration names the plugin and the migration, and is not recorded', async () => {
    const broken = {
      name: '@acme/broken',
      migrations: [
        {
          name: '001-broken',
          up: async (k: Database) => {
            await k.schema.createTable('acme_notes', () => undefined);
          },
        },
      ],
    };
    await assert.rejects(
      migratePlugins(db, [broken]),
      (e: Error) => e instanceof PluginError && /^plugin @acme\/broken: migration 001-broken failed/.test(e.message),
    );
    assert.equal(
      (await appliedPluginMigrations(db)).some((m) => m.plugin === '@acme/broken'),
      false,
    );
    // The lock was released: the next run goes through.
    await migratePlugins(db, [{ name: '@acme/notes', migrations: [createNotes, addAuthor] }]);
  });

  it('rolls a plugin back with its down steps, newest first', async () => {
    const undone = await rollbackPlugin(db, { name: '@acme/notes', migrations: [createNotes, addAuthor] });
    assert.deepEqual(undone, ['002-note-author', '001-notes']);
    assert.equal(await db.schema.hasTable('acme_notes'), false);
    assert.equal(
      (await appliedPluginMigrations(db)).some((m) => m.plugin === '@acme/notes'),
      false,
    );
  });
});
