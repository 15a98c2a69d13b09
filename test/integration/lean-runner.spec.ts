import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { Database, createDatabase, isUniqueViolation } from '@tender/core';
import { runOnConnection } from '@tender/core/dist/db/connection-transaction';
import { TestDatabase, createMysqlTestDatabase } from '../support/test-database';

/** The fields of a knex `query` or `query-error` event read here. */
interface QueryEvent {
  readonly sql: string;
  readonly __knexUid?: string;
  readonly __knexTxId?: string;
}

/** knex's client, as far as these tests undo the lean runner on it. */
interface InstalledClient {
  runner?: unknown;
  query?: unknown;
}

/**
 * On MySQL/MariaDB, statements run without knex's Runner (core/src/db/lean-runner.ts):
 * knex compiles them and shapes their answers, one async function and mysql2 run them.
 * Each test here runs the same statements through a second database object on which
 * the lean runner is taken off again (knex's own Runner and `client.query`), and asks
 * for the same answers, the same error message and the same events. SQLite keeps knex's
 * Runner; the whole MariaDB run of the suite goes through the lean one.
 */
describe("statements without knex's Runner (MySQL/MariaDB)", function () {
  let database: TestDatabase;
  let lean: Database;
  let knexOwn: Database;

  before(async function () {
    database = await createMysqlTestDatabase(this, "SQLite keeps knex's Runner");
    lean = createDatabase(database.config, { poolMax: 2 });
    knexOwn = createDatabase(database.config, { poolMax: 2 });
    const client = knexOwn.client as InstalledClient;
    delete client.runner;
    delete client.query;
    // The comparisons below mean something only if the two really differ.
    const installed = lean.client as InstalledClient;
    assert.ok(Object.hasOwn(installed, 'runner') && Object.hasOwn(installed, 'query'), 'createDatabase installs the lean runner');
    assert.notEqual(client.runner, installed.runner);
    assert.notEqual(client.query, installed.query);
    await lean.schema.createTable('runner_rows', (t) => {
      t.increments('seq');
      t.string('id').notNullable().unique();
      t.integer('n').notNullable();
    });
  });
  beforeEach(async () => {
    if (lean !== undefined) await lean('runner_rows').delete();
  });
  after(async () => {
    await lean?.destroy();
    await knexOwn?.destroy();
    if (database?.dialect === 'mysql') await database.drop();
  });

  /** Runs the same statements on both objects, from the same rows, and returns both answers. */
  async function both(statements: (db: Database) => Promise<unknown>): Promise<[unknown, unknown]> {
    const answers: unknown[] = [];
    for (const db of [lean, knexOwn]) {
      await lean('runner_rows').delete();
      await lean.raw('alter table runner_rows auto_increment = 1');
      await lean('runner_rows').insert([
        { id: 'a', n: 1 },
        { id: 'b', n: 2 },
      ]);
      answers.push(await statements(db));
    }
    return [answers[0], answers[1]];
  }

  it("answers every kind of statement as knex's Runner does", async () => {
    const [mine, knexs] = await both(async (db) => ({
      insert: await db('runner_rows').insert({ id: 'c', n: 3 }),
      first: await db('runner_rows').where({ id: 'a' }).first(),
      missing: await db('runner_rows').where({ id: 'none' }).first(),
      select: await db('runner_rows').select('id', 'n').orderBy('id'),
      pluck: await db('runner_rows').orderBy('id').pluck('id'),
      count: await db('runner_rows').count({ rows: '*' }),
      update: await db('runner_rows').where('n', '>', 1).update({ n: 9 }),
      increment: await db('runner_rows').where({ id: 'a' }).increment('n', 1),
      del: await db('runner_rows').where({ id: 'b' }).delete(),
      raw: ((await db.raw('select id, n from runner_rows where id = ?', ['a'])) as [unknown, unknown])[0],
      rawWrite: ((await db.raw('update runner_rows set n = n + 1 where id in (?, ?)', ['a', 'c'])) as [{ affectedRows: number }, unknown])[0].affectedRows,
      transaction: await runOnConnection(db, async (trx) => [
        await trx('runner_rows').insert({ id: 'd', n: 4 }),
        await trx('runner_rows').where({ id: 'd' }).first(),
      ]),
    }));
    assert.deepEqual(mine, knexs);
    // And the answers are what they say: the insert's id, a row, counts of rows.
    assert.deepEqual((mine as { insert: unknown }).insert, [3]);
    assert.equal((mine as { update: unknown }).update, 2);
    assert.equal((mine as { missing: unknown }).missing, undefined);
  });

  it("fails a statement with knex's message (the statement, its values, the server's words) and the driver's code", async () => {
    const failures: Record<string, unknown>[] = [];
    for (const db of [lean, knexOwn]) {
      await lean('runner_rows').delete();
      await lean('runner_rows').insert({ id: 'taken', n: 0 });
      const errors: QueryEvent[] = [];
      const listen = (_error: Error, q: QueryEvent): void => void errors.push(q);
      db.on('query-error', listen);
      try {
        const error = await db('runner_rows')
          .insert({ id: 'taken', n: 1 })
          .then(
            () => assert.fail('a duplicate id was accepted'),
            (e: unknown) => e as { message: string; code: string; errno: number },
          );
        assert.ok(isUniqueViolation(error));
        failures.push({ message: error.message, code: error.code, errno: error.errno, events: errors.map((e) => e.sql) });
      } finally {
        db.off('query-error', listen);
      }
    }
    assert.deepEqual(failures[0], failures[1]);
    assert.match(String(failures[0]?.message), /^insert into `runner_rows` \(`id`, `n`\) values \('taken', 1\) - Duplicate entry 'taken'/);
    // poolMax is 2: the failed statements gave their connections back.
    for (let i = 0; i < 5; i++) await lean('runner_rows').where({ id: 'taken' }).first();
  });

  it('emits one query event per statement, tagged with the connection and the transaction', async () => {
    const events: QueryEvent[] = [];
    const listen = (q: QueryEvent): void => void events.push(q);
    lean.on('query', listen);
    try {
      await lean('runner_rows').where({ id: 'a' }).first();
      await runOnConnection(lean, async (trx) => {
        await trx('runner_rows').insert({ id: 'x', n: 1 });
        await trx.raw('select 1');
      });
    } finally {
      lean.off('query', listen);
    }
    assert.deepEqual(
      events.map((e) => e.sql.split(' ')[0]?.toLowerCase()),
      ['select', 'begin;', 'insert', 'select', 'commit;'],
    );
    assert.equal(events[0]?.__knexTxId, undefined);
    assert.match(events[0]?.__knexUid ?? '', /^__knexUid\d+$/);
    const inside = events.slice(1);
    assert.equal(new Set(inside.map((e) => e.__knexTxId)).size, 1);
    assert.match(inside[0]?.__knexTxId ?? '', /^trx\d+$/);
  });

  it("runs what it hands to knex's Runner (listeners, a timeout, a stream) on the transaction's own connection", async () => {
    await runOnConnection(lean, async (trx) => {
      await trx('runner_rows').insert({ id: 'uncommitted', n: 1 });
      // Only the transaction's connection sees its uncommitted row.
      const seen: string[] = [];
      const withListener = trx('runner_rows').where({ id: 'uncommitted' }).first('id', 'n');
      withListener.on('query', () => seen.push('listener'));
      assert.deepEqual(await withListener, { id: 'uncommitted', n: 1 });
      assert.deepEqual(seen, ['listener']);
      assert.deepEqual(await trx('runner_rows').where({ id: 'uncommitted' }).first('id', 'n').timeout(5000), { id: 'uncommitted', n: 1 });
      const streamed: unknown[] = [];
      const stream = trx('runner_rows').where({ id: 'uncommitted' }).select('id').stream() as unknown as Readable;
      for await (const row of stream) streamed.push(row);
      assert.deepEqual(streamed, [{ id: 'uncommitted' }]);
    });
    assert.deepEqual(await lean('runner_rows').pluck('id'), ['uncommitted']);
  });

  it('refuses an empty statement without sending it', async () => {
    await assert.rejects(lean.raw(''), /empty/i);
  });
});
