import assert from 'node:assert/strict';
import { Database, createDatabase, inTransaction } from '@tender/core';
import { runOnConnection } from '@tender/core/dist/db/connection-transaction';
import { TestDatabase, createMysqlTestDatabase } from '../support/test-database';

/** The fields of a knex `query` event read here. */
interface QueryEvent {
  readonly sql: string;
  readonly __knexTxId?: string;
}

/**
 * MySQL/MariaDB transactions run on a pooled connection without knex's per-transaction
 * set-up (core/src/db/connection-transaction.ts; inTransaction uses it). What knex's
 * transactions guarantee must hold for them too: commit or roll back whole, the
 * outcome on `executionPromise`, savepoints for nested work, no query after the end,
 * and the connection back in the pool whatever happened. SQLite keeps knex's.
 */
describe('transactions on a pooled MySQL/MariaDB connection', function () {
  let database: TestDatabase;
  let db: Database;

  before(async function () {
    database = await createMysqlTestDatabase(this, "SQLite transactions stay knex's (BEGIN IMMEDIATE)");
    // One connection: a connection not given back would stop the next test.
    db = createDatabase(database.config, { poolMax: 1 });
    await db.schema.createTable('lean_rows', (t) => {
      t.string('id').primary();
      t.integer('n').notNullable();
    });
  });
  beforeEach(async () => {
    if (db !== undefined) await db('lean_rows').delete();
  });
  after(async () => {
    if (db !== undefined) await db.destroy();
    if (database?.dialect === 'mysql') await database.drop();
  });

  const ids = async (): Promise<string[]> => ((await db('lean_rows').orderBy('id')) as { id: string }[]).map((r) => r.id);

  it('commits the work whole, tags its statements with one transaction id, and resolves executionPromise', async () => {
    const events: QueryEvent[] = [];
    const listen = (q: QueryEvent): void => void events.push(q);
    db.on('query', listen);
    let execution: Promise<unknown> | undefined;
    let completedInside: boolean | undefined;
    let completedAtCommit: boolean | undefined;
    try {
      const result = await runOnConnection(db, async (trx) => {
        execution = trx.executionPromise.then(() => (completedAtCommit = trx.isCompleted()));
        completedInside = trx.isCompleted();
        assert.equal(trx.isTransaction, true);
        await trx('lean_rows').insert({ id: 'a', n: 1 });
        await trx.raw('insert into lean_rows (id, n) values (?, ?)', ['b', 2]);
        return 'done';
      });
      assert.equal(result, 'done');
    } finally {
      db.off('query', listen);
    }
    assert.equal(completedInside, false);
    await assert.doesNotReject(execution ?? Promise.reject(new Error('no executionPromise')));
    assert.equal(completedAtCommit, true, 'whoever awaits executionPromise sees the transaction completed');
    assert.deepEqual(await ids(), ['a', 'b']);
    assert.deepEqual(
      events.map((e) => e.sql.split(' ')[0]?.toUpperCase()),
      ['BEGIN;', 'INSERT', 'INSERT', 'COMMIT;'],
    );
    const tx = new Set(events.map((e) => e.__knexTxId));
    assert.equal(tx.size, 1);
    assert.match([...tx][0] ?? '', /^trx\d+$/);
  });

  it('rolls back everything when the work fails, rejects executionPromise, and hands the error on as it was', async () => {
    const failure = new Error('the work failed');
    let execution: Promise<unknown> | undefined;
    await assert.rejects(
      runOnConnection(db, async (trx) => {
        execution = trx.executionPromise;
        await trx('lean_rows').insert({ id: 'a', n: 1 });
        throw failure;
      }),
      (error: unknown) => error === failure,
    );
    await assert.rejects(execution ?? Promise.resolve(), (error: unknown) => error === failure);
    assert.deepEqual(await ids(), [], 'nothing of the failed transaction is left');
  });

  it('rolls back a statement error too (a unique violation), and the pool lends the connection again', async () => {
    await db('lean_rows').insert({ id: 'taken', n: 0 });
    await assert.rejects(
      runOnConnection(db, async (trx) => {
        await trx('lean_rows').insert({ id: 'new', n: 1 });
        await trx('lean_rows').insert({ id: 'taken', n: 1 });
      }),
      /Duplicate entry/,
    );
    assert.deepEqual(await ids(), ['taken']);
    // poolMax is 1: twenty more transactions run only if each gave its connection back.
    for (let i = 0; i < 20; i++) await runOnConnection(db, (trx) => trx('lean_rows').insert({ id: `r${String(i).padStart(2, '0')}`, n: i }));
    assert.equal((await ids()).length, 21);
  });

  it('runs no work when BEGIN fails, hands the error on, and lends the connection again', async () => {
    // The pool's one connection is put in an XA transaction, in which MariaDB refuses
    // BEGIN (XAER_RMFAIL): a BEGIN that fails on a live connection, every time.
    await db.raw("XA START 'tender-begin-fails'");
    let ran = false;
    try {
      await assert.rejects(
        runOnConnection(db, async (trx) => {
          ran = true;
          await trx('lean_rows').insert({ id: 'never', n: 1 });
        }),
        /XAER_RMFAIL/,
      );
    } finally {
      await db.raw("XA END 'tender-begin-fails'");
      await db.raw("XA ROLLBACK 'tender-begin-fails'");
    }
    assert.equal(ran, false);
    // poolMax is 1: this runs only if the failed BEGIN gave the connection back.
    await runOnConnection(db, (trx) => trx('lean_rows').insert({ id: 'after', n: 1 }));
    assert.deepEqual(await ids(), ['after']);
  });

  it('refuses a query through the transaction after it ended, and writes nothing', async () => {
    let kept: ((table: string) => unknown) | undefined;
    await runOnConnection(db, async (trx) => {
      kept = (table: string) => trx(table);
      await trx('lean_rows').insert({ id: 'inside', n: 1 });
    });
    assert.throws(() => kept?.('lean_rows'), /after its transaction ended/);
    assert.deepEqual(await ids(), ['inside']);
  });

  it('refuses commit() and rollback(): the outcome of the work decides', async () => {
    await runOnConnection(db, async (trx) => {
      assert.throws(() => void trx.commit(), /not available/);
      assert.throws(() => void trx.rollback(), /not available/);
      await trx('lean_rows').insert({ id: 'kept', n: 1 });
    });
    assert.deepEqual(await ids(), ['kept']);
  });

  it('runs nested work in a savepoint: its failure undoes only its own writes', async () => {
    await inTransaction(db, async (trx) => {
      await trx('lean_rows').insert({ id: 'outer', n: 1 });
      await assert.rejects(
        inTransaction(trx, async (inner) => {
          await inner('lean_rows').insert({ id: 'inner', n: 2 });
          throw new Error('inner failed');
        }),
        /inner failed/,
      );
      await trx('lean_rows').insert({ id: 'outer-after', n: 3 });
    });
    assert.deepEqual(await ids(), ['outer', 'outer-after']);
  });

  it("adds no listener to the pool's client, however many connections the pool opens", async () => {
    const pool = createDatabase(database.config, { poolMax: 4 });
    try {
      const client = pool.client as { listenerCount(event: string): number };
      const before = ['start', 'query', 'query-error', 'query-response'].map((e) => client.listenerCount(e));
      const events: QueryEvent[] = [];
      const listen = (q: QueryEvent): void => void events.push(q);
      pool.on('query', listen);
      // Four at once: four connections, each with its query interface.
      await Promise.all([0, 1, 2, 3].map((i) => runOnConnection(pool, (trx) => trx('lean_rows').insert({ id: `c${i}`, n: i }))));
      pool.off('query', listen);
      const after = ['start', 'query', 'query-error', 'query-response'].map((e) => client.listenerCount(e));
      assert.deepEqual(after, before);
      // ...and every statement still reached the pool's listeners: BEGIN, INSERT, COMMIT four times.
      assert.equal(events.length, 12);
      assert.equal(new Set(events.map((e) => e.__knexTxId)).size, 4);
    } finally {
      await pool.destroy();
    }
  });

  it('keeps two transactions apart on two connections: neither sees the other before its COMMIT', async () => {
    const pool = createDatabase(database.config, { poolMax: 2 });
    try {
      let firstWrote: () => void = () => undefined;
      const wrote = new Promise<void>((resolve) => (firstWrote = resolve));
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const first = runOnConnection(pool, async (trx) => {
        await trx('lean_rows').insert({ id: 'first', n: 1 });
        firstWrote();
        await released;
      });
      await wrote;
      const seen = await runOnConnection(pool, async (trx) => ((await trx('lean_rows').where({ id: 'first' })) as unknown[]).length);
      assert.equal(seen, 0, "the second transaction does not see the first's uncommitted row");
      release();
      await first;
      assert.deepEqual(await ids(), ['first']);
    } finally {
      await pool.destroy();
    }
  });
});
