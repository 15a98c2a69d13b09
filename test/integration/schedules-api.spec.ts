import assert from 'node:assert/strict';
import { FixedClock } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { plugin as savedCardsPlugin } from '@tender/plugin-saved-cards';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';
import { RowCounter } from '../support/row-counts';
import { CustomerWithCard, customerWithCard } from '../support/schedule-fixtures';

const DAY = 86_400_000;

describe('schedules API: create, read, list, history, cancel; bad input writes nothing', function () {
  this.timeout(60_000);
  // 10:00 UTC on 10 December 2026; the merchant has no time zone of its own, so the operator's (UTC) applies.
  const clock = new FixedClock(Date.parse('2026-12-10T10:00:00Z'));
  let t: TestGateway;
  let shop: MerchantClient;
  let other: MerchantClient;
  let buyer: CustomerWithCard;
  let merchantId: string;

  const valid = (overrides: Record<string, unknown> = {}) => ({
    customer: buyer.customer,
    payment_method: buyer.paymentMethod,
    amount: 99000,
    currency: 'RUB',
    interval: 'month',
    count: 12,
    start_date: '2026-12-31',
    description: 'Tea club',
    metadata: { plan: 'gold' },
    ...overrides,
  });

  before(async () => {
    t = await startTestGateway({ clock, plugins: [sandboxPlugin, accountsPlugin, savedCardsPlugin] });
    const m = await t.createMerchant('Tea Club');
    merchantId = m.id;
    shop = new MerchantClient(t.gateway.app, m.key);
    other = new MerchantClient(t.gateway.app, (await t.createMerchant('Other Shop')).key);
    buyer = await customerWithCard(shop, { email: 'buyer@example.com' });
  });
  after(() => t?.close());

  it('creates a monthly schedule on a card saved for merchant-initiated payments, with its first charge on the start date', async () => {
    const res = await shop.post('/v1/schedules', valid()).expect(201);
    const s = res.body as Record<string, unknown>;
    assert.match(String(s.id), /^sch_/);
    assert.deepEqual(
      { ...s, id: undefined, created_at: undefined },
      {
        id: undefined,
        object: 'schedule',
        customer: buyer.customer,
        payment_method: buyer.paymentMethod,
        amount: 99000,
        currency: 'RUB',
        interval: 'month',
        interval_count: 1,
        count: 12,
        start_date: '2026-12-31',
        end_date: null,
        time_zone: 'UTC',
        locale: null,
        description: 'Tea club',
        metadata: { plan: 'gold' },
        status: 'active',
        charges_made: 0,
        next_period: 1,
        next_attempt: 0,
        next_charge_at: '2026-12-31T00:00:00.000Z',
        cancellation_reason: null,
        canceled_at: null,
        completed_at: null,
        livemode: false,
        created_at: undefined,
      },
    );
    assert.deepEqual((await shop.get(`/v1/schedules/${String(s.id)}`).expect(200)).body, s);
    const events = await t.gateway.db('events').where({ merchant_id: merchantId, type: 'schedule.created', object_id: String(s.id) });
    assert.equal(events.length, 1, 'schedule.created recorded with the schedule');
    assert.deepEqual((await shop.get(`/v1/schedules/${String(s.id)}/charges`).expect(200)).body, { object: 'list', data: [], has_more: false });
  });

  it('lists newest first, by customer and status, with a cursor', async () => {
    const second = (await shop.post('/v1/schedules', valid({ interval: 'week', interval_count: 2, count: undefined, end_date: '2027-06-30' })).expect(201))
      .body as { id: string };
    const page = (await shop.get('/v1/schedules?limit=1').expect(200)).body as { data: Array<{ id: string }>; has_more: boolean };
    assert.deepEqual(
      page.data.map((s) => s.id),
      [second.id],
    );
    assert.equal(page.has_more, true);
    const next = (await shop.get(`/v1/schedules?limit=10&starting_after=${second.id}`).expect(200)).body as { data: Array<{ id: string }>; has_more: boolean };
    assert.equal(next.data.length, 1);
    assert.equal(next.has_more, false);
    assert.equal(((await shop.get(`/v1/schedules?customer=${buyer.customer}&status=active`).expect(200)).body as { data: unknown[] }).data.length, 2);
    assert.equal(((await shop.get('/v1/schedules?status=canceled').expect(200)).body as { data: unknown[] }).data.length, 0);
    assert.equal(((await other.get('/v1/schedules').expect(200)).body as { data: unknown[] }).data.length, 0, 'another merchant sees none');
    await shop.get('/v1/schedules?starting_after=sch_nosuchschedule').expect(400);
  });

  it('cancels a live schedule once; then schedule_not_active', async () => {
    const s = (await shop.post('/v1/schedules', valid()).expect(201)).body as { id: string };
    const canceled = (await shop.post(`/v1/schedules/${s.id}/cancel`).expect(200)).body as Record<string, unknown>;
    assert.equal(canceled.status, 'canceled');
    assert.equal(canceled.cancellation_reason, 'requested');
    assert.equal(canceled.next_charge_at, null);
    assert.equal(canceled.canceled_at, new Date(clock.now()).toISOString());
    const again = await shop.post(`/v1/schedules/${s.id}/cancel`).expect(409);
    assert.equal(again.body.error.code, 'schedule_not_active');
    assert.equal((await t.gateway.db('events').where({ type: 'schedule.canceled', object_id: s.id })).length, 1);
  });

  it("answers 404 for another merchant's schedule on every route, and changes nothing", async () => {
    const s = (await shop.post('/v1/schedules', valid()).expect(201)).body as { id: string };
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    for (const res of [
      await other.get(`/v1/schedules/${s.id}`),
      await other.get(`/v1/schedules/${s.id}/charges`),
      await other.post(`/v1/schedules/${s.id}/cancel`),
    ]) {
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'resource_not_found');
    }
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
    assert.equal((await shop.get(`/v1/schedules/${s.id}`).expect(200)).body.status, 'active');
    await shop.get('/v1/schedules/pay_notaschedule').expect(400);
  });

  it('refuses bad input with a clear code and writes nothing', async () => {
    const foreign = await customerWithCard(other, { email: 'foreign@example.com' });
    const second = await customerWithCard(shop, { email: 'second@example.com' });
    const oneClick = await customerWithCard(shop, { email: 'oneclick@example.com', usage: 'on_session' });
    const cases: Array<[string, Record<string, unknown>, number, string, string?]> = [
      ['zero amount', valid({ amount: 0 }), 400, 'amount_invalid', 'amount'],
      ['negative amount', valid({ amount: -100 }), 400, 'amount_invalid', 'amount'],
      ['fractional amount', valid({ amount: 10.5 }), 400, 'amount_invalid', 'amount'],
      ['amount as text', valid({ amount: '100' }), 400, 'amount_invalid', 'amount'],
      ['amount too large', valid({ amount: 100_000_000_000 }), 400, 'amount_too_large', 'amount'],
      ['amount beyond safe integers', valid({ amount: 2 ** 60 }), 400, 'parameter_invalid'],
      ['no amount', valid({ amount: undefined }), 400, 'parameter_missing', 'amount'],
      ['unknown currency', valid({ currency: 'XXY' }), 400, 'currency_unsupported', 'currency'],
      ['unknown interval', valid({ interval: 'fortnight' }), 400, 'parameter_invalid', 'interval'],
      ['a period longer than a year', valid({ interval: 'month', interval_count: 13 }), 400, 'parameter_invalid', 'interval_count'],
      ['interval_count 0', valid({ interval_count: 0 }), 400, 'parameter_invalid', 'interval_count'],
      ['count and end_date', valid({ end_date: '2027-12-31' }), 400, 'parameter_invalid', 'end_date'],
      ['count 0', valid({ count: 0 }), 400, 'parameter_invalid', 'count'],
      ['end before start', valid({ count: undefined, end_date: '2026-12-30' }), 400, 'parameter_invalid', 'end_date'],
      ['a day that does not exist', valid({ start_date: '2027-02-29' }), 400, 'parameter_invalid', 'start_date'],
      ['a timestamp for a date', valid({ start_date: '2026-12-31T00:00:00Z' }), 400, 'parameter_invalid', 'start_date'],
      ['start in the past', valid({ start_date: '2026-12-09' }), 400, 'parameter_invalid', 'start_date'],
      ['start more than a year ahead', valid({ start_date: '2028-01-10' }), 400, 'parameter_invalid', 'start_date'],
      ['unknown field', valid({ trial_days: 7 }), 400, 'parameter_unknown', 'trial_days'],
      ['hostile description', valid({ description: 'Tea\u202Eevil' }), 400, 'parameter_invalid', 'description'],
      ['unknown customer', valid({ customer: 'cus_nosuchcustomer' }), 404, 'resource_not_found'],
      ["another merchant's customer", valid({ customer: foreign.customer, payment_method: foreign.paymentMethod }), 404, 'resource_not_found'],
      ["another merchant's card", valid({ payment_method: foreign.paymentMethod }), 404, 'resource_not_found'],
      ['unknown card', valid({ payment_method: 'pm_nosuchcard' }), 404, 'resource_not_found'],
      ["another customer's card", valid({ payment_method: second.paymentMethod }), 400, 'payment_method_customer_mismatch', 'payment_method'],
      [
        'a card saved for one-click only',
        valid({ customer: oneClick.customer, payment_method: oneClick.paymentMethod }),
        400,
        'payment_method_off_session_not_allowed',
        'payment_method',
      ],
      ['a payment id for the card', valid({ payment_method: 'pay_123' }), 400, 'parameter_invalid', 'payment_method'],
    ];
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    for (const [what, body, status, code, param] of cases) {
      const res = await shop.post('/v1/schedules', body);
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code, what);
      if (param !== undefined) assert.equal(res.body.error.param, param, what);
    }
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), [], 'a refused schedule writes nothing');
  });

  it('refuses an expired saved card (payment_method_expired), with nothing written', async () => {
    // A card valid through the end of next year, saved today; the merchant comes back after it expired.
    const nextYear = new Date(clock.now()).getUTCFullYear() + 1;
    const expiring = await customerWithCard(shop, { email: 'expiring@example.com', expYear: nextYear });
    const saved = clock.now();
    clock.advance(Date.UTC(nextYear + 1, 0, 2) - saved);
    try {
      const counter = await RowCounter.of(t.gateway.db);
      const before = await counter.counts();
      const res = await shop.post(
        '/v1/schedules',
        valid({ customer: expiring.customer, payment_method: expiring.paymentMethod, start_date: `${nextYear + 1}-02-01` }),
      );
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'payment_method_expired');
      assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
    } finally {
      clock.advance(saved - clock.now());
    }
    assert.ok(clock.now() - saved < DAY);
  });
});

describe('schedules: the retryDays option', () => {
  it('stops the start on retry days that do not increase, naming the option', async () => {
    await assert.rejects(
      startTestGateway({ plugins: [sandboxPlugin, accountsPlugin, savedCardsPlugin], env: { TENDER_PLUGIN_SAVED_CARDS_RETRY_DAYS: '3,1' } }),
      /option retryDays: retryDays: the days must increase/,
    );
  });
});
