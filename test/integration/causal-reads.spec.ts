import assert from 'node:assert/strict';
import { CausalReads, Database, createDatabase } from '@tender/core';
import { causalFirst } from '@tender/core/dist/db/causal-read';
import { TestDatabase, createTestDatabase } from '../support/test-database';

/**
 * TENDER_DB_CAUSAL_READS on MySQL/MariaDB. This machine's MariaDB runs without Galera,
 * where waiting changes nothing, so what is checked is what Tender sends: in `request`
 * mode a request's first read goes as `SET STATEMENT wsrep_sync_wait = 1 FOR ...`
 * (which MariaDB must accept, and does: every API request of the MariaDB suite reads
 * its key that way); in `all` mode every pooled connection carries the setting; `off`
 * sends neither. The bench's Galera scenario measures the effect on a cluster.
 */
describe('causal reads on MySQL/MariaDB', function () {
  let database: TestDatabase;
  const opened: Database[] = [];

  before(async function () {
    database = await createTestDatabase();
    if (database.dialect !== 'mysql') this.skip();
  });
  after(async () => {
    await Promise.all(opened.map((db) => db.destroy()));
    await database?.drop();
  });

  function open(mode: CausalReads | undefined, poolMax = 3): Database {
    const db = createDatabase(database.config, { poolMax, ...(mode === undefined ? {} : { causalReads: mode }) });
    opened.push(db);
    return db;
  }

  /** The session value on `count` connections held at once (so the pool must open that many). */
  async function sessionValues(db: Database, count: number): Promise<number[]> {
    const values: number[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await Promise.all(
      Array.from({ length: count }, () =>
        db.transaction(async (trx) => {
          const [rows] = (await trx.raw('SELECT @@SESSION.wsrep_sync_wait AS w')) as [Array<{ w: number | string }>];
          values.push(Number(rows[0]?.w));
          if (values.length === count) release();
          await held;
        }),
      ),
    );
    return values;
  }

  /** What causalFirst sends, and what it answers, for a one-row SELECT. */
  async function firstRead(db: Database): Promise<{ sql: string; rows: Array<Record<string, unknown>> }> {
    const sent: string[] = [];
    const listener = (q: { sql: string }) => sent.push(q.sql);
    db.on('query', listener);
    try {
      const rows = await causalFirst(db, db.select(db.raw('? AS answer', [42])).limit(1));
      return { sql: sent.join('\n'), rows };
    } finally {
      db.off('query', listener);
    }
  }

  it('request (the default): the first read of a request waits; connections do not', async () => {
    const db = open(undefined);
    const read = await firstRead(db);
    assert.match(read.sql, /^SET STATEMENT wsrep_sync_wait = 1 FOR select/);
    assert.deepEqual(
      read.rows.map((r) => Number(r.answer)),
      [42],
    );
    assert.deepEqual(await sessionValues(db, 3), [0, 0, 0]);
  });

  it('all: every connection of the pool waits on every read', async () => {
    const db = open('all');
    assert.deepEqual(await sessionValues(db, 3), [1, 1, 1]);
    const read = await firstRead(db);
    assert.doesNotMatch(read.sql, /SET STATEMENT/, 'the connection waits already');
    assert.deepEqual(
      read.rows.map((r) => Number(r.answer)),
      [42],
    );
  });

  it('off: nothing waits', async () => {
    const db = open('off');
    assert.deepEqual(await sessionValues(db, 3), [0, 0, 0]);
    assert.doesNotMatch((await firstRead(db)).sql, /SET STATEMENT/);
  });
});
