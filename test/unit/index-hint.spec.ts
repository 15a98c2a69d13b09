import assert from 'node:assert/strict';
import knexFactory from 'knex';
import { usingIndex } from '@tender/core/dist/db/index-hint';

// The hint is MySQL/MariaDB's; SQLite gets the bare table (core/src/db/index-hint.ts).
// Compiled SQL only: no database is opened (integration/payment-path-growth.spec.ts
// measures what the hint saves MariaDB's planner).
describe('usingIndex: a hot statement names its index (no database)', () => {
  const mysql = knexFactory({ client: 'mysql2' });
  const sqlite = knexFactory({ client: 'better-sqlite3', useNullAsDefault: true });
  after(async () => {
    await mysql.destroy();
    await sqlite.destroy();
  });

  it('adds FORCE INDEX for MySQL/MariaDB', () => {
    const sql = mysql(usingIndex(mysql, 'payments', 'payments_id_unique'))
      .where({ id: 'pay_1', version: 3 })
      .update({ version: 4 })
      .toSQL();
    assert.equal(sql.sql, 'update `payments` FORCE INDEX (`payments_id_unique`) set `version` = ? where `id` = ? and `version` = ?');
    assert.deepEqual(sql.bindings, [4, 'pay_1', 3]);
  });

  it('leaves the table bare for SQLite', () => {
    const sql = sqlite(usingIndex(sqlite, 'payments', 'payments_id_unique'))
      .where({ id: 'pay_1' })
      .update({ version: 4 })
      .toSQL();
    assert.equal(sql.sql, 'update `payments` set `version` = ? where `id` = ?');
  });
});
