import assert from 'node:assert/strict';
import { FixedClock, MerchantContext } from '@tender/core';
import { PaymentSearch } from '@tender/dashboard/dist/dashboard/payment-search';
import { cursorOf, filterOf, methodTypesOf, paymentFilterSchema } from '@tender/dashboard/dist/dashboard/payment-filter';
import { paymentCsvHeader, paymentCsvLine } from '@tender/dashboard/dist/dashboard/payment-csv';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { plugin as savedCardsPlugin } from '@tender/plugin-saved-cards';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { SeededPayments, seedPayments } from '../support/dashboard-fixtures';

/** The dashboard's payment search and CSV lines, on the services directly (SQLite or MariaDB). */
describe('dashboard: payment search', function () {
  let t: TestGateway;
  let clock: FixedClock;
  let search: PaymentSearch;
  let ctx: MerchantContext;
  let other: MerchantContext;
  let seeded: SeededPayments;
  let otherPayment: string;

  before(async () => {
    clock = new FixedClock(Date.parse('2026-03-02T10:00:00Z'));
    t = await startTestGateway({ clock });
    const a = await t.createMerchant('Shop A');
    const b = await t.createMerchant('Shop B');
    ctx = { merchantId: a.id, livemode: false };
    other = { merchantId: b.id, livemode: false };
    const shop = new MerchantClient(t.gateway.app, a.key);
    seeded = await seedPayments(t.gateway.app, shop, clock);
    // The other merchant has a Mastercard ending 4444 too: it must never show up for A.
    otherPayment = (await new MerchantClient(t.gateway.app, b.key).pay(CARDS.mastercard, { amount: 150005 })).id;
    search = t.gateway.container.resolve(PaymentSearch);
  });
  after(() => t.close());

  const filter = (query: Record<string, string>) => filterOf(paymentFilterSchema.parse(query));
  const ids = async (query: Record<string, string>, scope = ctx) => (await search.page(scope, filter(query), undefined, 100)).payments.map((p) => p.id);
  const sorted = (list: readonly string[]) => [...list].sort();

  it('finds by last 4, payment id, e-mail and order id, only within the merchant', async () => {
    assert.deepEqual(sorted(await ids({ q: '4444' })), sorted(seeded.mastercard));
    assert.deepEqual(await ids({ q: seeded.mir[0] }), seeded.mir);
    assert.deepEqual(await ids({ q: seeded.byEmail.email }), [seeded.byEmail.id]);
    assert.deepEqual(await ids({ q: '=HYPERLINK("http://evil.example","x")' }), [seeded.formula]);
    assert.deepEqual(await ids({ q: otherPayment }), [], "another merchant's payment id finds nothing");
    assert.deepEqual(await ids({ q: '4444' }, other), [otherPayment]);
    assert.deepEqual(await ids({ q: '4444' }, { ...ctx, livemode: true }), [], 'live mode sees none of the test payments');
  });

  it('filters by status, method, date range, amount range and currency', async () => {
    assert.deepEqual(sorted(await ids({ status: 'authorized' })), sorted(seeded.authorized));
    assert.deepEqual(sorted(await ids({ status: 'declined' })), sorted(seeded.declined));
    assert.deepEqual(sorted(await ids({ method: 'mir' })), sorted(seeded.mir));
    assert.deepEqual(sorted(await ids({ method: 'visa', status: 'authorized' })), sorted(seeded.authorized));
    const cards = await ids({ method: 'card' });
    assert.equal(cards.length, seeded.all.length - seeded.pending.length);
    assert.deepEqual(sorted(await ids({ from: seeded.secondDayDate, to: seeded.secondDayDate })), sorted(seeded.secondDay));
    assert.equal((await ids({ to: '2026-03-02' })).length, seeded.all.length - seeded.secondDay.length);
    // Bounds are major units: 1500 is 150000 kopecks (no RUB payment is exactly that) and 1500 yen (exponent 0).
    assert.deepEqual(await ids({ amount_min: '1500', amount_max: '1500' }), [seeded.jpy]);
    assert.deepEqual(sorted(await ids({ amount_min: '1500', amount_max: '1500.05' })), sorted([seeded.jpy, seeded.mastercard[0]]));
    // 1.234 KWD has three decimals; 1500.05 RUB needs both bounds exact to the cent.
    assert.deepEqual(await ids({ amount_min: '1.234', amount_max: '1.234' }), [seeded.kwd]);
    assert.deepEqual(await ids({ amount_min: '1500.05', amount_max: '1500.05' }), [seeded.mastercard[0]]);
    assert.deepEqual(await ids({ amount_min: '1500.051', amount_max: '1500.059' }), [], 'a bound between two cents excludes both');
    assert.deepEqual(await ids({ currency: 'JPY' }), [seeded.jpy]);
  });

  it('finds payments paid from a personal account by the method type core records, naming no plugin table', async () => {
    const id = seeded.visa[0];
    // A fixture: the account flow itself (which records method_type 'account') is tested in account-payments.spec.
    const [before] = await t.gateway.db('payments').where({ id }).select('method_type');
    assert.equal(before?.method_type, 'card', 'a card confirm records its method type');
    await t.gateway.db('payments').where({ id }).update({ method_type: 'account' });
    // A plugin's row naming the payment for another merchant does not change anything any more.
    await t.gateway.db('account_payments').insert({
      payment_id: otherPayment,
      merchant_id: ctx.merchantId,
      livemode: false,
      bank_operation_id: 'op_fixture1',
      payer_id: 'payer_x',
      account_id: 'acct_x',
      certificate_serial: '01',
      authenticated_by: 'fixture',
      created_at: clock.now(),
    });
    try {
      assert.deepEqual(await ids({ method: 'account' }), [id]);
      assert.deepEqual(await ids({ method: 'account' }, other), [], "another merchant's search does not see it");
      assert.ok(!(await ids({ method: 'card' })).includes(id));
    } finally {
      await t.gateway.db('payments').where({ id }).update({ method_type: 'card' });
      await t.gateway.db('account_payments').where({ bank_operation_id: 'op_fixture1' }).delete();
    }
  });

  it('"any card" covers every card-based method: a typed card, an embedded-fields token, a saved card', async () => {
    const [tokenPaid, savedPaid] = [seeded.visa[0], seeded.mir[0]];
    // Fixtures: those flows themselves (which record these method types) are tested in their own specs.
    await t.gateway.db('payments').where({ id: tokenPaid }).update({ method_type: 'card_token' });
    await t.gateway.db('payments').where({ id: savedPaid }).update({ method_type: 'saved_card' });
    try {
      const cards = await ids({ method: 'card' });
      assert.ok(cards.includes(tokenPaid), 'a card_token payment is a card payment');
      assert.equal(cards.length, seeded.all.length - seeded.pending.length - 1);
      // The saved-cards plugin is not loaded here: its type is matched when a registered method declares it card-based.
      assert.ok(!cards.includes(savedPaid), 'no registered method is saved_card in this gateway');
      assert.deepEqual(await ids({ method: 'card' }, other), [otherPayment], "another merchant's search does not see them");
      assert.ok(!(await ids({ method: 'account' })).includes(tokenPaid));
    } finally {
      await t.gateway.db('payments').whereIn('id', [tokenPaid, savedPaid]).update({ method_type: 'card' });
    }
  });

  it('with the saved-cards plugin loaded, its saved_card payments are card payments too', async () => {
    const withSaved = await startTestGateway({ plugins: [sandboxPlugin, accountsPlugin, savedCardsPlugin] });
    try {
      const m = await withSaved.createMerchant('Shop S');
      const scope = { merchantId: m.id, livemode: false };
      const paid = await new MerchantClient(withSaved.gateway.app, m.key).pay(CARDS.visa, { amount: 1000 });
      await withSaved.gateway.db('payments').where({ id: paid.id }).update({ method_type: 'saved_card' });
      const found = await withSaved.gateway.container.resolve(PaymentSearch).page(scope, filter({ method: 'card' }), undefined, 10);
      assert.deepEqual(
        found.payments.map((p) => p.id),
        [paid.id],
      );
    } finally {
      await withSaved.close();
    }
  });

  it('derives the card method types from the methods that declare themselves card-based', () => {
    const methods = [
      { type: 'card', capability: 'card_authorization' },
      { type: 'card_token', capability: 'card_authorization' },
      { type: 'saved_card', capability: 'card_authorization' },
      { type: 'sbp', capability: 'sbp_qr' },
      { type: 'account', capability: 'account_debit' },
    ];
    assert.deepEqual(methodTypesOf('card', methods), ['card', 'card_token', 'saved_card']);
    assert.deepEqual(methodTypesOf('account', methods), ['account']);
    assert.equal(methodTypesOf('visa', methods), undefined);
    assert.deepEqual(methodTypesOf('card', []), ['card']);
  });

  it('pages newest first with a keyset cursor: every row exactly once, ties on the same millisecond included', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const parsed = paymentFilterSchema.parse(cursor === undefined ? {} : { cursor });
      const page = await search.page(ctx, filterOf(parsed), cursorOf(parsed), 3);
      assert.ok(page.payments.length <= 3);
      seen.push(...page.payments.map((p) => p.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 50);
    assert.equal(seen.length, new Set(seen).size, 'no row twice');
    assert.deepEqual(sorted(seen), sorted(seeded.all), 'every row once');
    assert.deepEqual(seen.slice(0, 2), [...seeded.secondDay].reverse(), 'newest first');
    const batched: string[] = [];
    for await (const batch of search.batches(ctx, filter({}), 4)) batched.push(...batch.map((p) => p.id));
    assert.deepEqual(batched, seen, 'the export walks the same order as the table');
  });

  it('refuses a malformed filter or cursor before any query', () => {
    assert.equal(paymentFilterSchema.safeParse({ status: 'stolen' }).success, false);
    assert.equal(paymentFilterSchema.safeParse({ from: '2026-02-30x' }).success, false);
    assert.equal(paymentFilterSchema.safeParse({ amount_min: '1e9' }).success, false);
    assert.equal(paymentFilterSchema.safeParse({ cursor: "1' OR 1=1" }).success, false);
  });

  it('writes CSV with exact decimal amounts and defuses formulas', async () => {
    const byId = async (id: string) => (await search.page(ctx, filter({ q: id }), undefined, 1)).payments[0];
    const formula = await byId(seeded.formula);
    assert.ok(formula);
    const line = paymentCsvLine(formula);
    assert.ok(line.includes(`"'=HYPERLINK(""http://evil.example"",""x"")"`), line);
    assert.ok(line.includes(`"'+SUM(A1:A2)"`), line);
    assert.ok(line.endsWith('\r\n'));
    const amounts = async (id: string) => {
      const p = await byId(id);
      assert.ok(p);
      return paymentCsvLine(p).split('","')[4];
    };
    assert.equal(await amounts(seeded.mastercard[0]), '1500.05');
    assert.equal(await amounts(seeded.mastercard[1]), '0.99');
    assert.equal(await amounts(seeded.jpy), '1500');
    assert.equal(await amounts(seeded.kwd), '1.234');
    assert.equal(paymentCsvHeader().split(',')[0], '"id"');
  });

  it('reads pages through the dashboard indexes, without sorting', async function () {
    const sqlOf = (query: Record<string, string>) => {
      const parsed = paymentFilterSchema.parse(query);
      return (
        search as unknown as {
          scoped(c: MerchantContext, f: unknown, k: unknown): { limit(n: number): { toSQL(): { sql: string; bindings: readonly unknown[] } } };
        }
      )
        .scoped(ctx, filterOf(parsed), cursorOf(parsed))
        .limit(50)
        .toSQL();
    };
    const deep = `${clock.now()}.5`;
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'payments_web_home_created_idx'],
      [{ cursor: deep }, 'payments_web_home_created_idx'],
      [{ status: 'captured' }, 'payments_dash_status'],
      [{ status: 'captured', cursor: deep }, 'payments_dash_status'],
      [{ q: 'buyer@example.com' }, 'payments_dash_email'],
      [{ from: '2026-03-01', to: '2026-03-02' }, 'payments_web_home_created_idx'],
    ];
    for (const [query, index] of cases) {
      const sql = sqlOf(query);
      if (t.database.dialect === 'sqlite') {
        const rows: Array<{ detail: string }> = await t.gateway.db.raw(`EXPLAIN QUERY PLAN ${sql.sql}`, sql.bindings as never);
        const text = rows.map((r) => r.detail).join(' | ');
        assert.ok(text.includes(index), `${JSON.stringify(query)}: ${text}`);
        assert.ok(!text.includes('TEMP B-TREE'), `${JSON.stringify(query)} sorts: ${text}`);
      } else {
        // MariaDB is told the index (FORCE INDEX, see payment-search.ts): its own choice scanned from the newest row.
        const [rows] = (await t.gateway.db.raw(`EXPLAIN ${sql.sql}`, sql.bindings as never)) as unknown as [
          Array<{ key: string; type: string; Extra: string | null }>,
        ];
        assert.equal(rows[0]?.key, index, JSON.stringify(query));
        assert.ok(!String(rows[0]?.Extra ?? '').includes('filesort'), `${JSON.stringify(query)} sorts: ${rows[0]?.Extra}`);
        if (query.cursor !== undefined || query.from !== undefined) assert.equal(rows[0]?.type, 'range', `${JSON.stringify(query)} starts at the cursor`);
      }
    }
  });
});
