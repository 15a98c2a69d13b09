import assert from 'node:assert/strict';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { InsertRow } from '@tender/core';
import { BUCKET_MS, keyHashOf } from '@tender/core/dist/monitoring/risk-buckets';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { putMerchantRules } from '../support/risk-helpers';
import { testDatabaseUrl } from '../support/test-database';
import { cloneHistory, rowsAddedBy } from '../support/history-cloner';
import { rangeEstimates, readsRows, rowsExamined, statementsOf } from '../support/rows-examined';

/** Payments of history (PAYMENT_GROWTH_HISTORY overrides it, to measure with more). */
const HISTORY = Number(process.env.PAYMENT_GROWTH_HISTORY ?? 10_000);
/** One payment of history every second: the last hour holds 3600 of the card's attempts, each bucket 60. */
const SPACING_MS = 1000;
/**
 * The most rows any statement of a payment may read, whatever the history: the risk
 * check reads at most 60 buckets per key for its hour (card, IP with this card,
 * e-mail: 180) and the usual ticket at most its sample (200 with the defaults), in one
 * statement; everything else reads a few rows by key.
 */
const ROWS_BOUND = 500;
/**
 * The most indexes of one table any statement of a payment may have MariaDB estimate
 * a range of while planning it. Nearly every index starts with (merchant_id, livemode),
 * so a statement naming the merchant would dive into all ten of `payments` or seven of
 * `risk_assessments`, each dive longer as the merchant's history grows; the payment
 * path names its index instead (core/src/db/index-hint.ts).
 */
const ESTIMATES_BOUND = 2;
/**
 * Tables not copied row by row: the buckets are rebuilt from the copied assessments
 * (one row per key and minute, as the gateway keeps them), the lock rows are one per key.
 */
const NOT_COPIED = new Set(['risk_key_buckets', 'risk_key_locks']);
const BUCKET_KEY = ['merchant_id', 'livemode', 'key_hash', 'bucket_start', 'currency', 'card_fingerprint'];

/**
 * Constant cost as volume grows (issue 24): no statement of a card payment (create,
 * then confirm) may read more rows when the merchant, card, IP and e-mail have a long
 * history. The history is one real payment's rows (whatever tables the payment path
 * writes today) copied HISTORY times back in time; the statements are those the
 * gateway sends for the next payment, read from its statement log, and each is run
 * again under `ANALYZE` to count the rows MariaDB reads for it. Rows read, not
 * time: the count does not depend on the machine's load.
 *
 * MariaDB only: SQLite has no `ANALYZE` that counts rows read (its plans differ too),
 * and Tender's volume runs on MariaDB.
 */
describe('payment path: rows read per statement do not grow with history (MariaDB)', function () {
  this.timeout(Math.max(300_000, HISTORY * 10)); // about 2 ms a payment of history to copy on a loaded machine
  let t: TestGateway;

  before(async function () {
    if (!testDatabaseUrl()?.startsWith('mysql')) {
      this.skip(); // SQLite: no ANALYZE counting rows read per statement, and not where volume runs.
    }
    t = await startTestGateway({ env: { TENDER_WEBHOOK_DISPATCHER: 'false', TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' } });
  });
  after(async () => {
    await t?.close();
  });

  /**
   * The buckets the copied attempts would have made (docs/risk.md, "How history is
   * counted"): per copy, one attempt of the seed's amount in the card's, the IP's (with
   * its card) and the e-mail's row of the copy's minute, added up.
   */
  async function copyBuckets(seed: Record<string, unknown>, now: number): Promise<void> {
    const card = String(seed.card_fingerprint);
    const keys = [
      { key_hash: keyHashOf('card', card), card_fingerprint: '' },
      { key_hash: keyHashOf('ip', String(seed.ip)), card_fingerprint: card },
      { key_hash: keyHashOf('email', String(seed.email)), card_fingerprint: '' },
    ];
    const rows = new Map<string, InsertRow<'risk_key_buckets'>>();
    for (let k = 0; k < HISTORY; k++) {
      const at = now - (k + 1) * SPACING_MS;
      const bucketStart = at - (at % BUCKET_MS);
      for (const key of keys) {
        const id = `${key.key_hash}:${bucketStart}`;
        const row = rows.get(id) ?? {
          merchant_id: String(seed.merchant_id),
          livemode: Boolean(seed.livemode),
          ...key,
          bucket_start: bucketStart,
          currency: String(seed.currency),
          attempts: 0,
          amount: 0,
          pending: 0,
          declined: 0,
          small: 0,
        };
        rows.set(id, { ...row, attempts: Number(row.attempts) + 1, amount: Number(row.amount) + Number(seed.amount) });
      }
    }
    const all = [...rows.values()];
    // The seed's own minute has its rows already: copies in it are left out (a few attempts fewer).
    for (let i = 0; i < all.length; i += 500)
      await t.gateway
        .db('risk_key_buckets')
        .insert(all.slice(i, i + 500))
        .onConflict(BUCKET_KEY)
        .ignore();
  }

  it(`reads at most ${ROWS_BOUND} rows per statement, and estimates at most ${ESTIMATES_BOUND} indexes per table, with ${HISTORY} payments of history of one merchant, card, IP and e-mail`, async () => {
    const shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
    // As the benchmark runs: a regular buyer pays thousands of times an hour, which the velocity rule would block.
    await putMerchantRules(t.gateway.app, shop, { rules: { velocity: { mode: 'dry_run' } } }).expect(200);
    // An endpoint for every event, so the payment's events are to be delivered (the dispatcher is off: nothing is sent, nothing listens).
    await shop.post('/v1/webhook_endpoints', { url: 'http://127.0.0.1:5399/hooks', events: ['*'] }).expect(201);
    let n = 0;
    // A server-side integration: create with an Idempotency-Key, then confirm with the card, the buyer's IP and e-mail.
    const pay = async (): Promise<void> => {
      n++;
      const created = await shop.post('/v1/payments', { amount: 150000, currency: 'RUB', order_id: `growth-${n}` }, `growth-create-${n}`).expect(201);
      const customer = { ip: '198.51.100.24', email: 'regular@example.com' };
      const paid = await shop.post(`/v1/payments/${String(created.body.id)}/confirm`, { ...card(CARDS.visa), customer }).expect(200);
      assert.equal(paid.body.status, 'captured');
    };
    // Warm the process (rule sets, lock rows) so the seed's rows are those of any payment, not of a first one.
    await pay();
    const seed = await rowsAddedBy(t.gateway.db, pay);
    const copied = seed.filter((s) => !NOT_COPIED.has(s.table));
    const print = process.env.PAYMENT_GROWTH_PRINT === '1' ? (line: string) => console.log(line) : () => undefined;
    print(`seed: ${seed.map((s) => `${s.table} (${s.rows.length})`).join(', ')}`);
    const now = Date.now();
    await cloneHistory(t.gateway.db, copied, HISTORY, SPACING_MS, now);
    print(`copied in ${Date.now() - now} ms`);
    const assessment = seed.find((s) => s.table === 'risk_assessments')?.rows[0];
    assert.ok(assessment !== undefined, 'a payment writes its risk assessment');
    await copyBuckets(assessment, now);
    print(`buckets written at ${Date.now() - now} ms`);
    await t.gateway.db.raw(`ANALYZE TABLE ${copied.map((s) => `\`${s.table}\``).join(', ')}`);

    // The history is this merchant's: a statement that walks it reads every copy (so the count would show one).
    const walk = await rowsExamined(t.gateway.db, {
      sql: 'SELECT COUNT(*) FROM payments WHERE merchant_id = ? AND amount > ?',
      bindings: [assessment.merchant_id, 0],
    });
    assert.ok(walk.rows >= HISTORY, `a walk of the merchant's payments reads ${walk.rows} rows`);

    const statements = await statementsOf(t.gateway.db, pay);
    const reads = statements.filter((s) => readsRows(s.sql));
    // The rest (INSERT ... VALUES, BEGIN, COMMIT) read only the unique indexes they write into.
    print(`${statements.length} statements, ${reads.length} that read rows`);
    assert.ok(reads.length > 0, 'the payment sent statements that read');
    const measured = [];
    for (const s of reads) measured.push({ sql: s.sql, rows: (await rowsExamined(t.gateway.db, s)).rows });
    for (const m of measured) print(`${String(m.rows).padStart(8)}  ${m.sql.slice(0, 220)}`);
    const over = measured.filter((m) => m.rows > ROWS_BOUND);
    assert.deepEqual(
      over.map((m) => `${m.rows} rows: ${m.sql}`),
      [],
      `statements reading more than ${ROWS_BOUND} rows with ${HISTORY} payments of history`,
    );

    // Planning: the index dives MariaDB makes before it runs each statement.
    const planned = [];
    for (const s of reads) planned.push({ sql: s.sql, estimates: await rangeEstimates(t.gateway.db, s) });
    for (const p of planned)
      print(
        `${p.estimates
          .map((e) => `${e.table}: ${e.indexes.length}`)
          .join(', ')
          .padStart(30)}  ${p.sql.slice(0, 200)}`,
      );
    // A trace that lists nothing (tracing off, a format MariaDB changed) would pass the bound below unseen.
    assert.ok(
      planned.some((p) => p.estimates.some((e) => e.table === 'payments')),
      "the optimizer trace lists the estimates of the payment's UPDATE",
    );
    const wide = planned.flatMap((p) =>
      p.estimates.filter((e) => e.indexes.length > ESTIMATES_BOUND).map((e) => `${e.table} (${e.indexes.join(', ')}): ${p.sql}`),
    );
    assert.deepEqual(wide, [], `statements estimating more than ${ESTIMATES_BOUND} indexes of a table while planned`);
    // The risk buckets' read ranges over `bucket_start`, the pruner's age index's only column: it names its primary key.
    const bucketRead = planned.find((p) => /^select .* from `risk_key_buckets`/i.test(p.sql));
    assert.ok(bucketRead !== undefined, 'the payment reads its risk buckets');
    assert.deepEqual(
      bucketRead.estimates.filter((e) => e.table === 'risk_key_buckets').flatMap((e) => e.indexes),
      ['PRIMARY'],
      'the risk buckets are read through the primary key alone',
    );
  });
});
