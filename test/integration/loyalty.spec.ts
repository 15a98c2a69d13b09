import assert from 'node:assert/strict';
import { TestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { assertLedgerInvariants, balanceOf, grantPoints, programWithCard, startLoyaltyGateway } from '../support/loyalty';
import { ADMIN_TOKEN } from '../support/test-gateway';
import request from 'supertest';
import { putMerchantRules } from '../support/risk-helpers';

/** Row counts of the loyalty tables and payments' operations: a refused request changes none. */
async function counts(t: TestGateway): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['loyalty_movements', 'loyalty_entries', 'loyalty_payment_cards', 'bank_operations'])
    out[table] = Number((await t.gateway.db(table).count({ n: '*' }).first())?.n ?? 0);
  return out;
}

describe('loyalty: points spent at confirm, accrued on capture, reversed on refunds', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let other: MerchantClient;

  before(async () => {
    t = await startLoyaltyGateway();
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Tea House')).key);
    other = new MerchantClient(t.gateway.app, (await t.createMerchant('Other Shop')).key);
    // One test card pays many times here: transaction monitoring only records (it would hold them for review).
    for (const m of [shop, other]) await putMerchantRules(t.gateway.app, m, { dry_run: true }).expect(200);
  });
  after(async () => {
    if (t !== undefined) {
      await assertLedgerInvariants(t.gateway.db);
      await t.close();
    }
  });

  it('takes the points off the amount: gross, discount and net in the API; accrual on the net captured', async () => {
    const { number } = await programWithCard(shop);
    await grantPoints(t.gateway.db, number, 300);
    const p = await shop.createPayment({ amount: 100000, capture_method: 'manual' });
    const confirmed = (
      await shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.visa), adjustments: { loyalty: { card: number, redeem_points: 200 } } }).expect(200)
    ).body;
    assert.equal(confirmed.status, 'authorized');
    assert.equal(confirmed.amount_gross, 100000);
    assert.equal(confirmed.amount_discount, 20000);
    assert.equal(confirmed.amount, 80000, 'the bank is asked for the net');
    const op = await t.gateway.db('bank_operations').where({ payment_id: p.id, kind: 'authorize' }).first();
    assert.equal(Number(op!.amount), 80000);
    assert.equal(await balanceOf(shop, number), 100);
    await shop.post(`/v1/payments/${p.id}/capture`, {}).expect(200);
    // 5 % of 800.00 at 1.00 a point.
    assert.equal(await balanceOf(shop, number), 140);
    const event = await t.gateway.db('events').where({ object_id: p.id, type: 'payment.captured' }).first();
    const parsed = JSON.parse(String(event!.data));
    const data = parsed.amount_gross === undefined ? (parsed.object ?? parsed.data?.object ?? parsed) : parsed;
    assert.equal(data.amount_gross, 100000);
    assert.equal(data.amount_discount, 20000);
    await assertLedgerInvariants(t.gateway.db);
  });

  it('reverses the accrual exactly over partial refunds, and gives spent points back in proportion', async () => {
    const { number } = await programWithCard(shop, { base_bps: 700 });
    await grantPoints(t.gateway.db, number, 100);
    const p = await shop.createPayment({ amount: 99999 });
    await shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.visa), adjustments: { loyalty: { card: number, redeem_points: 33 } } }).expect(200);
    const net = 99999 - 3300;
    const accrued = Math.floor((net * 700) / 10000 / 100);
    assert.equal(await balanceOf(shop, number), 100 - 33 + accrued);
    for (const amount of [3333, 10001, 7, 50000]) await shop.post('/v1/refunds', { payment_id: p.id, amount }).expect(201);
    await shop.post('/v1/refunds', { payment_id: p.id, amount: net - 3333 - 10001 - 7 - 50000 }).expect(201);
    const moves = await t.gateway.db('loyalty_movements').where({ payment_id: p.id });
    const total = (kind: string) => moves.filter((m) => m.kind === kind).reduce((s, m) => s + Number(m.points), 0);
    assert.equal(total('reversal'), total('accrual'), 'the reversals of all partial refunds equal the accrual');
    assert.equal(total('return'), 33, 'the spent points all came back');
    assert.equal(await balanceOf(shop, number), 100);
    await assertLedgerInvariants(t.gateway.db);
  });

  it('applies rules: a category bonus, a tier once earned, and a fixed discount on large orders', async () => {
    const { number } = await programWithCard(shop, {
      base_bps: 100,
      rules: [
        { kind: 'bonus', category: 'books', bps: 400 },
        { kind: 'fixed_discount', amount: 5000, min_amount: 200000 },
      ],
      tiers: [{ name: 'Gold', min_points: 1000, bonus_bps: 1000 }],
    });
    // 1 % base + 4 % for books on 1 000.00: 50 points.
    const books = await shop.createPayment({ amount: 100000, metadata: { category: 'books' } });
    await shop.post(`/v1/payments/${books.id}/confirm`, { ...card(CARDS.visa), adjustments: { loyalty: { card: number } } }).expect(200);
    assert.equal(await balanceOf(shop, number), 50);
    // Once 1 000 points were earned, the Gold tier adds 10 %: 1 % + 10 % of 1 000.00 = 110.
    await grantPoints(t.gateway.db, number, 1000);
    await t.gateway
      .db('loyalty_accounts')
      .where({ id: (await t.gateway.db('loyalty_cards').where({ number }).first()).account_id })
      .update({ lifetime_points: 1050 });
    const gold = await shop.createPayment({ amount: 100000 });
    await shop.post(`/v1/payments/${gold.id}/confirm`, { ...card(CARDS.visa), adjustments: { loyalty: { card: number } } }).expect(200);
    assert.equal(await balanceOf(shop, number), 1050 + 110);
    // 2 500.00 reaches the fixed discount of 50.00, with no points spent.
    const large = await shop.createPayment({ amount: 250000 });
    const body = (await shop.post(`/v1/payments/${large.id}/confirm`, { ...card(CARDS.visa), adjustments: { loyalty: { card: number } } }).expect(200)).body;
    assert.deepEqual([body.amount_gross, body.amount_discount, body.amount], [250000, 5000, 245000]);
  });

  it('gives the points back when the bank declines', async () => {
    const { number } = await programWithCard(shop);
    await grantPoints(t.gateway.db, number, 50);
    const p = await shop.createPayment({ amount: 10000 });
    const res = await shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.doNotHonor), adjustments: { loyalty: { card: number, redeem_points: 40 } } });
    assert.ok([200, 402].includes(res.status), `${res.status}`);
    const declined = (await shop.get(`/v1/payments/${p.id}`).expect(200)).body;
    assert.equal(declined.status, 'declined');
    assert.equal(await balanceOf(shop, number), 50);
    // The buyer may try again: the page shows the order's amount, which the next attempt starts from.
    const page = (
      await request(t.gateway.app)
        .get(new URL(String(declined.payment_url)).pathname)
        .expect(200)
    ).text;
    assert.match(page, /100[.,]00/);
    assert.doesNotMatch(page, /\b60[.,]00/);
  });

  it('never spends one balance twice under concurrent confirms', async () => {
    const { number } = await programWithCard(shop);
    await grantPoints(t.gateway.db, number, 100);
    const payments = await Promise.all([1, 2, 3, 4, 5].map(() => shop.createPayment({ amount: 20000 })));
    const results = await Promise.all(
      payments.map((p) => shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.visa), adjustments: { loyalty: { card: number, redeem_points: 60 } } })),
    );
    const ok = results.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, results.map((r) => `${r.status} ${r.body?.error?.code ?? ''}`).join(', '));
    for (const r of results.filter((x) => x.status !== 200))
      assert.ok(['loyalty_insufficient_points', 'loyalty_ledger_busy'].includes(r.body.error.code), JSON.stringify(r.body));
    const redemptions = await t.gateway
      .db('loyalty_movements')
      .whereIn(
        'payment_id',
        payments.map((p) => p.id),
      )
      .where({ kind: 'redemption' });
    assert.equal(redemptions.length, 1);
    await assertLedgerInvariants(t.gateway.db);
  });

  it('keeps the ledger exact under concurrent confirms, captures and partial refunds on one card', async () => {
    const { number } = await programWithCard(shop, { base_bps: 900 });
    await grantPoints(t.gateway.db, number, 1000);
    const amounts = [10007, 23451, 99999, 5003, 77777, 31313];
    const created = await Promise.all(amounts.map((amount) => shop.createPayment({ amount, capture_method: 'manual' })));
    const confirmed = await Promise.all(
      created.map((p, i) =>
        shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.visa), adjustments: { loyalty: { card: number, redeem_points: 10 + i } } }),
      ),
    );
    for (const r of confirmed) assert.equal(r.status, 200, JSON.stringify(r.body));
    const captures = await Promise.all(created.map((p) => shop.post(`/v1/payments/${p.id}/capture`, {})));
    for (const r of captures) assert.equal(r.status, 200, JSON.stringify(r.body));
    // Two partial refunds on each payment at once, then the rest: every payment refunded in full.
    const nets = confirmed.map((r) => r.body.amount as number);
    await Promise.all(
      created
        .flatMap((p, i) => [
          shop.post('/v1/refunds', { payment_id: p.id, amount: Math.floor(nets[i] / 3) }),
          shop.post('/v1/refunds', { payment_id: p.id, amount: Math.floor(nets[i] / 7) }),
        ])
        .map((r) => r.expect(201)),
    );
    await Promise.all(
      created.map((p, i) => shop.post('/v1/refunds', { payment_id: p.id, amount: nets[i] - Math.floor(nets[i] / 3) - Math.floor(nets[i] / 7) }).expect(201)),
    );
    for (const p of created) {
      const moves = await t.gateway.db('loyalty_movements').where({ payment_id: p.id });
      const total = (kind: string) => moves.filter((m) => m.kind === kind).reduce((sum, m) => sum + Number(m.points), 0);
      assert.ok(total('accrual') > 0);
      assert.equal(total('reversal'), total('accrual'), `payment ${p.id}: reversals equal the accrual`);
      assert.equal(total('return'), total('redemption'), `payment ${p.id}: spent points all back`);
    }
    assert.equal(await balanceOf(shop, number), 1000);
    await assertLedgerInvariants(t.gateway.db);
  });

  it('refuses bad input with nothing written', async () => {
    const { number } = await programWithCard(shop);
    await grantPoints(t.gateway.db, number, 110);
    const p = await shop.createPayment({ amount: 100000 });
    const before = await counts(t);
    const wrongDigit = number.slice(0, 15) + String((Number(number[15]) + 1) % 10);
    const cases: Array<[unknown, string]> = [
      [{ card: wrongDigit, redeem_points: 1 }, 'loyalty_card_invalid'],
      [{ card: number, redeem_points: 111 }, 'loyalty_insufficient_points'],
      [{ card: number, redeem_points: -1 }, 'parameter_invalid'],
      [{ card: number, redeem_points: 1.5 }, 'parameter_invalid'],
      [{ card: number, redeem_points: 1, extra: true }, 'parameter_invalid'],
      [{ card: '<script>', redeem_points: 1 }, 'parameter_invalid'],
    ];
    for (const [input, code] of cases) {
      const res = await shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.visa), adjustments: { loyalty: input } }).expect(400);
      assert.equal(res.body.error.code, code, JSON.stringify(input));
    }
    assert.equal(
      (await shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.visa), adjustments: { coupons: {} } }).expect(400)).body.error.code,
      'parameter_unknown',
    );
    // Points that would pay more than half (max_redeem_bps 5000) of 1 000.00.
    assert.equal(
      (await shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.visa), adjustments: { loyalty: { card: number, redeem_points: 501 } } }).expect(400))
        .body.error.code,
      'loyalty_redeem_too_large',
    );
    assert.deepEqual(await counts(t), before);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'pending');
    await shop.post('/v1/loyalty/programs', { name: '', currency: 'RUB' }).expect(400);
    await shop.post('/v1/loyalty/programs', { name: 'x', currency: 'RUB', base_bps: 20000 }).expect(400);
  });

  it('keeps a merchant program invisible to other merchants', async () => {
    const { program, number } = await programWithCard(shop);
    await grantPoints(t.gateway.db, number, 10);
    assert.equal(
      (await other.get('/v1/loyalty/programs').expect(200)).body.data.some((x: { id: string }) => x.id === program),
      false,
    );
    await other.get(`/v1/loyalty/cards/${number}`).expect(404);
    await other.post('/v1/loyalty/cards', { program }).expect(404);
    const p = await other.createPayment({ amount: 10000 });
    const res = await other
      .post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.visa), adjustments: { loyalty: { card: number, redeem_points: 5 } } })
      .expect(400);
    assert.equal(res.body.error.code, 'loyalty_card_not_accepted');
    assert.equal(await balanceOf(shop, number), 10);
  });

  it('links the paying card when the buyer asks, and recognises it on the next payment', async () => {
    const { number } = await programWithCard(shop, { base_bps: 1000 });
    const first = await shop.createPayment({ amount: 10000 });
    await shop.post(`/v1/payments/${first.id}/confirm`, { ...card(CARDS.mir), adjustments: { loyalty: { card: number, link_card: true } } }).expect(200);
    assert.equal(await balanceOf(shop, number), 10);
    assert.equal((await shop.get(`/v1/loyalty/cards/${number}`).expect(200)).body.linked_card, true);
    // No loyalty input at all: the same bank card earns to the linked loyalty card.
    await shop.pay(CARDS.mir, { amount: 20000 });
    assert.equal(await balanceOf(shop, number), 30);
    // And pays with its points when only the points are named.
    const third = await shop.createPayment({ amount: 10000 });
    const body = (await shop.post(`/v1/payments/${third.id}/confirm`, { ...card(CARDS.mir), adjustments: { loyalty: { redeem_points: 5 } } }).expect(200)).body;
    assert.equal(body.amount_discount, 500);
  });

  it('expires the points of an idle card to the program, once', async () => {
    const { number } = await programWithCard(shop, { expiry_days: 30 });
    const { number: active } = await programWithCard(shop, { expiry_days: 30 });
    await grantPoints(t.gateway.db, number, 75);
    await grantPoints(t.gateway.db, active, 5);
    const card = await t.gateway.db('loyalty_cards').where({ number }).first();
    await t.gateway
      .db('loyalty_accounts')
      .where({ id: card.account_id })
      .update({ last_activity_at: Date.now() - 31 * 86_400_000 });
    const expire = () => request(t.gateway.app).post('/admin/v1/loyalty/expire').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    assert.equal((await expire()).body.expired, 1);
    assert.equal((await expire()).body.expired, 0);
    assert.equal(await balanceOf(shop, number), 0);
    assert.equal(await balanceOf(shop, active), 5);
    const sink = await t.gateway
      .db('loyalty_accounts')
      .where({ system_key: `${card.program_id}:expired` })
      .first();
    assert.equal(Number(sink.balance), 75);
    await assertLedgerInvariants(t.gateway.db);
  });

  it('runs an operator program across merchants and recognises a linked payment card', async () => {
    const admin = (path: string) => request(t.gateway.app).post(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    const program = (
      await admin('/admin/v1/loyalty/programs').send({ name: 'City card', currency: 'RUB', point_value: 100, base_bps: 1000, max_redeem_bps: 3000 }).expect(201)
    ).body;
    assert.equal(program.owner, 'operator');
    const number = (await admin('/admin/v1/loyalty/cards').send({ program: program.id }).expect(201)).body.number as string;
    // A first payment by card, then the card linked to the loyalty card by its fingerprint.
    const first = await other.pay(CARDS.mastercard, { amount: 5000 });
    await other.post(`/v1/loyalty/cards/${number}/link`, { payment: first.id }).expect(404); // only a merchant's own program's card is linked by the merchant
    const before = await t.gateway.db('loyalty_cards').where({ number }).first();
    await t.gateway
      .db('loyalty_cards')
      .where({ id: before.id })
      .update({ card_fingerprint: (await t.gateway.db('payments').where({ id: first.id }).first())!.card_fingerprint });
    // Paid at two merchants with the linked card, no loyalty input: points accrue to the operator's card.
    await shop.pay(CARDS.mastercard, { amount: 20000 });
    await other.pay(CARDS.mastercard, { amount: 10000 });
    const row = await t.gateway.db('loyalty_accounts').where({ id: before.account_id }).first();
    assert.equal(Number(row.balance), 20 + 10);
    const console = await request(t.gateway.app).get('/admin/v1/loyalty/programs').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    assert.ok(console.body.data.some((x: { id: string }) => x.id === program.id));
  });
});
