import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Database, TRANSACTION_ATTEMPTS, TenderError, createDatabase, inTransaction } from '@tender/core';
import { TestDatabase, createMysqlTestDatabase } from '../support/test-database';

/**
 * inTransaction runs a transaction again when the database rolled it back for
 * losing a race (deadlock here; certification failure on a Galera cluster, which
 * MariaDB reports with the same error 1213). A real deadlock on MariaDB: two
 * transactions lock two rows in opposite orders.
 */
describe('transaction retry after a deadlock', function () {
  let database: TestDatabase;
  let db: Database;

  before(async function () {
    database = await createMysqlTestDatabase(this, 'SQLite runs one transaction at a time: it cannot deadlock');
    db = createDatabase(database.config, { poolMax: 4 });
    await db.schema.createTable('retry_rows', (t) => {
      t.string('id').primary();
      t.integer('n').notNullable();
    });
    await db('retry_rows').insert([
      { id: 'a', n: 0 },
      { id: 'b', n: 0 },
    ]);
  });
  after(async () => {
    if (db !== undefined) await db.destroy();
    if (database?.dialect === 'mysql') await database.drop();
  });

  it('re-runs the victim from the start, so both increments land exactly once', async () => {
    let bothHoldFirstLock: () => void = () => undefined;
    const firstLocksHeld = new Promise<void>((resolve) => (bothHoldFirstLock = resolve));
    let holding = 0;
    const runs = { ab: 0, ba: 0 };

    const lockInOrder = (first: string, second: string, key: 'ab' | 'ba') =>
      inTransaction(db, async (trx) => {
        runs[key] += 1;
        await trx('retry_rows').where({ id: first }).increment('n', 1);
        if (runs[key] === 1) {
          // Only the first run waits for the other: the retry must go straight through.
          holding += 1;
          if (holding === 2) bothHoldFirstLock();
          await firstLocksHeld;
        }
        await trx('retry_rows').where({ id: second }).increment('n', 1);
        return key;
      });

    const results = await Promise.all([lockInOrder('a', 'b', 'ab'), lockInOrder('b', 'a', 'ba')]);
    assert.deepEqual(results, ['ab', 'ba']);
    // One of the two was the deadlock victim and ran twice; the other ran once.
    assert.deepEqual([runs.ab, runs.ba].sort(), [1, 2]);
    const rows = await db('retry_rows').orderBy('id');
    assert.deepEqual(
      rows.map((r: { n: number }) => r.n),
      [2, 2],
      'the rolled-back attempt left nothing behind',
    );
  });

  it('does not retry an error that is not a lost race', async () => {
    let runs = 0;
    await assert.rejects(
      inTransaction(db, async (trx) => {
        runs += 1;
        await trx('retry_rows').insert({ id: 'a', n: 1 });
      }),
      (error: { errno?: number }) => error.errno === 1062,
    );
    assert.equal(runs, 1);
  });

  it('gives up after a bounded number of attempts with a retryable write_conflict, not an internal error', async () => {
    let runs = 0;
    await assert.rejects(
      inTransaction(db, async () => {
        runs += 1;
        throw Object.assign(new Error('WSREP detected deadlock/conflict and aborted the transaction. Try restarting the transaction'), { errno: 1213 });
      }),
      (error: unknown) => error instanceof TenderError && error.code === 'write_conflict' && error.status === 503,
    );
    assert.equal(runs, TRANSACTION_ATTEMPTS);
  });
});

/**
 * SQLite, two connections on one file (as two processes would hold): transactions
 * begin with BEGIN IMMEDIATE, so the second waits for the first's write lock; when the
 * lock outlasts busy_timeout (shortened here to 100 ms), the second gets SQLITE_BUSY
 * before it wrote anything and inTransaction runs it again once the first committed.
 */
describe('SQLite: a transaction that finds the write lock taken', function () {
  let dir = '';
  let one: Database;
  let two: Database;

  before(function () {
    if ((process.env.TEST_DATABASE_URL ?? '').startsWith('mysql')) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-busy-'));
    const config = { client: 'sqlite', filename: path.join(dir, 'busy.sqlite'), embeddedDefault: false } as const;
    one = createDatabase(config);
    two = createDatabase(config);
  });
  after(async () => {
    await one?.destroy();
    await two?.destroy();
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is run again after the lock is freed, so both writes land exactly once', async () => {
    await one.schema.createTable('busy_rows', (t) => {
      t.string('id').primary();
      t.integer('n').notNullable();
    });
    await one('busy_rows').insert({ id: 'a', n: 0 });
    await two.raw('PRAGMA busy_timeout = 100');
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked: () => void = () => undefined;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const first = one.transaction(async (trx) => {
      await trx('busy_rows').where({ id: 'a' }).increment('n', 1);
      locked();
      await held;
    });
    await isLocked;
    const refused: string[] = [];
    two.on('query-error', (error: { code?: string }) => {
      refused.push(error.code ?? '');
      release();
    });
    await inTransaction(two, async (trx) => {
      await trx('busy_rows').where({ id: 'a' }).increment('n', 10);
    });
    await first;
    assert.ok(refused.length >= 1 && refused.every((code) => code.startsWith('SQLITE_BUSY')), `refused with ${refused.join(', ')}`);
    // 11: the refused attempt wrote nothing (knex still calls the work with a finished transaction, whose queries fail unsent).
    assert.equal(Number((await one('busy_rows').where({ id: 'a' }).first())?.n), 11);
  });
});
