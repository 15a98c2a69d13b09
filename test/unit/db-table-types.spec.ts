import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Knex } from 'knex';
import type { InsertRow } from '@tender/core';

/**
 * Type-level checks of core's knex table declaration (core/src/db/tables.ts): `tsc -b`
 * compiles this file, and each `@ts-expect-error` fails the build if its line ever
 * compiles, that is if a wrong column name or value type stops being caught.
 * Never called: it only has to type-check.
 */
export async function wrongColumnsDoNotCompile(db: Knex): Promise<void> {
  // @ts-expect-error: payments has no column `bogus`
  await db('payments').where({ bogus: 1 });
  // @ts-expect-error: amount is integer minor units, not a string
  await db('payments').where({ amount: '10.00' });
  // @ts-expect-error: refunds has no `amount_captured` to update
  await db('refunds').where({ id: 'ref_1' }).update({ amount_captured: 1 });
  // @ts-expect-error: an api_keys insert needs its key_hash (and the rest of its required columns)
  const key: InsertRow<'api_keys'> = { id: 'key_1', merchant_id: 'mer_1', livemode: false, kind: 'secret', display: 'sk_…', created_at: 0 };
  // Selected rows are typed: a misspelt column of the row does not compile either.
  const payment = await db('payments').where({ id: 'pay_1' }).first();
  // @ts-expect-error: the column is amount_refunded
  payment?.amount_refund;
  // The right names compile, SQL included.
  await db('payments')
    .where({ id: 'pay_1', merchant_id: 'mer_1', livemode: true })
    .update({ version: db.raw('version + 1') });
  key;
}

describe('typed knex tables (core/src/db/tables.ts)', () => {
  it("is what core's migrations build: npm run generate:table-types leaves it unchanged", function () {
    this.timeout(60000);
    const root = path.resolve(__dirname, '..', '..', '..');
    const check = spawnSync(process.execPath, [path.join(root, 'scripts', 'generate-table-types.js'), '--check'], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  });
});
