import assert from 'node:assert/strict';
import { Database, createDatabase, migratePlugins, migrateToLatest } from '@tender/core';
import { IsoJournal, plugin as isoPlugin } from '@tender/adapter-iso8583';
import { TestDatabase, createTestDatabase } from '../support/test-database';

describe('ISO 8583 journal: STAN and RRN numbering', () => {
  let database: TestDatabase;
  let db: Database;
  before(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.config);
    await migrateToLatest(db);
    await migratePlugins(db, [isoPlugin]);
    await migratePlugins(db, [isoPlugin]);
  });
  after(async () => {
    await db.destroy();
    await database.drop();
  });

  it('never hands out a number twice, across concurrent users and a restart', async () => {
    const a = new IsoJournal(db);
    const b = new IsoJournal(db);
    const first = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).nextNumber()));
    assert.equal(new Set(first).size, first.length);
    // A restarted process (a new journal on the same database) continues after the last number.
    const restarted = await new IsoJournal(db).nextNumber();
    assert.ok(restarted > Math.max(...first));
  });

  it('reserves numbers in blocks: one counter update per hundred numbers, increasing within a process', async () => {
    const before = Number(((await db('iso8583_counters').where({ name: 'message' }).first()) as { value: number | string }).value);
    const journal = new IsoJournal(db);
    const numbers: number[] = [];
    for (let i = 0; i < 150; i++) numbers.push(await journal.nextNumber());
    assert.deepEqual(
      numbers,
      [...numbers].sort((x, y) => x - y),
    );
    assert.equal(new Set(numbers).size, 150);
    const after = Number(((await db('iso8583_counters').where({ name: 'message' }).first()) as { value: number | string }).value);
    assert.equal(after - before, 200, 'two blocks of 100 reserved for 150 numbers');
  });

  it('keeps one STAN and RRN per reference, so a retry is a retransmission', async () => {
    const journal = new IsoJournal(db);
    const one = await journal.open('op_same', 'pay_1', '0200', { terminalId: 'T0000001', bankMerchantId: 'M1' }, 1000, '643');
    const again = await journal.open('op_same', 'pay_1', '0200', { terminalId: 'T0000001', bankMerchantId: 'M1' }, 1000, '643');
    const other = await journal.open('op_other', 'pay_1', '0200', { terminalId: 'T0000001', bankMerchantId: 'M1' }, 1000, '643');
    assert.equal(again.stan, one.stan);
    assert.equal(again.rrn, one.rrn);
    assert.notEqual(other.stan, one.stan);
    assert.notEqual(other.rrn, one.rrn);
  });
});
