import assert from 'node:assert/strict';
import request from 'supertest';
import { FixedClock } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { plugin as savedCardsPlugin } from '@tender/plugin-saved-cards';
import { ADMIN_TOKEN } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { SmtpCapture } from '../support/smtp-capture';
import { CustomerWithCard, GatewayCluster, customerWithCard, pointSavedCardAt, schedulesSettled } from '../support/schedule-fixtures';
import { eventually } from '../support/webhook-receiver';

const DAY = 86_400_000;
const FAST = { TENDER_NOTIFY_POLL_MS: '20', TENDER_EMAIL_RETRY_BASE_MS: '20', TENDER_EMAIL_RETRY_MAX_MS: '100' };
const utcDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

interface PaymentRow {
  id: string;
  order_id: string;
  status: string;
  failure_code: string | null;
  metadata: string | null;
  created_at: number | string;
}

/**
 * Issue 20's schedule test: 13 months on the gateway's clock (core's Clock, a
 * FixedClock moved one day at a time), two gateway instances on one database, each
 * with its own pool and its own background job loop, both charging. Schedules of
 * every kind run side by side; the bank's answers change on given days (a saved card
 * runs out of funds, recovers, is refused by its issuer); one instance is restarted
 * in the middle while the other works. Afterwards every period was charged exactly
 * once, counted from the payments themselves.
 */
describe('schedules: 13 simulated months, two gateway processes, a restart in the middle', function () {
  this.timeout(30 * 60_000);
  const START = Date.parse('2026-12-15T12:00:00Z');
  const END = Date.parse('2028-01-15T12:00:00Z');
  const clock = new FixedClock(START);
  let cluster: GatewayCluster;
  let smtp: SmtpCapture;
  let shop: MerchantClient;
  let merchantId: string;

  before(async () => {
    smtp = new SmtpCapture();
    const smtpUrl = await smtp.start();
    cluster = await GatewayCluster.create(2, { clock, plugins: [sandboxPlugin, accountsPlugin, savedCardsPlugin], env: { ...FAST, TENDER_SMTP_URL: smtpUrl } });
    const created = await request(cluster.get(0).app)
      .post('/admin/v1/merchants')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ name: 'Tea Club', email: 'shop@example.com' })
      .expect(201);
    merchantId = String(created.body.id);
    shop = new MerchantClient(cluster.get(0).app, String(created.body.test_secret_key));
  });
  after(async () => {
    await cluster?.close();
    await smtp?.stop();
  });

  const quiet = (what: string): Promise<void> => schedulesSettled(cluster.get(0).db, clock, what);

  it('charges every period exactly once; soft declines are retried after 1, 3 and 5 days and recover; hard declines stop; nothing is lost or doubled', async () => {
    const buyers: Record<string, CustomerWithCard> = {};
    for (const name of ['steady', 'soft', 'exhausted', 'hard', 'daily', 'until']) buyers[name] = await customerWithCard(shop, { email: `${name}@example.com` });
    const create = async (name: string, body: Record<string, unknown>): Promise<string> => {
      const b = buyers[name];
      const res = await shop.post('/v1/schedules', {
        customer: b.customer,
        payment_method: b.paymentMethod,
        currency: 'RUB',
        description: `${name} plan`,
        ...body,
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return String(res.body.id);
    };
    const ids = {
      // The 31st: Jan 31, Feb 28, Mar 31, ... (month-end clamping keeps the anchor day).
      steady: await create('steady', { amount: 59000, interval: 'month', start_date: '2026-12-31', count: 13 }),
      soft: await create('soft', { amount: 50000, interval: 'month', start_date: '2027-01-15' }),
      exhausted: await create('exhausted', { amount: 12000, interval: 'week', start_date: '2027-02-01', count: 20 }),
      hard: await create('hard', { amount: 30000, interval: 'month', start_date: '2027-01-05' }),
      daily: await create('daily', { amount: 15000, interval: 'day', start_date: '2026-12-20', count: 40 }),
      until: await create('until', { amount: 20000, interval: 'week', interval_count: 2, start_date: '2026-12-16', end_date: '2027-06-30' }),
    };
    const g0 = cluster.get(0);
    // What the bank will answer, set the day before a charge (the sandbox answers by card number).
    const bankChanges: Record<string, Array<[keyof typeof ids, string]>> = {
      '2027-02-28': [['exhausted', CARDS.insufficientFunds]],
      '2027-03-14': [['soft', CARDS.insufficientFunds]],
      // After the failures of Mar 15, 16 and 18, the money is there for the last retry on Mar 20.
      '2027-03-19': [['soft', CARDS.visa]],
      '2027-06-04': [['hard', CARDS.doNotHonor]],
    };
    let restarted = false;
    await quiet('the schedules created');
    while (clock.now() < END) {
      for (const [name, pan] of bankChanges[utcDate(clock.now())] ?? []) await pointSavedCardAt(g0, merchantId, buyers[name].paymentMethod, pan);
      clock.advance(DAY);
      const today = utcDate(clock.now());
      if (today === '2027-07-31' && !restarted) {
        // Instance 1 is stopped (it finishes the charge it is on, as on SIGTERM) and started again, while instance 0 charges the day's periods.
        restarted = true;
        await cluster.restart(1);
      }
      await quiet(`the charges of ${today}`);
    }
    assert.ok(restarted);

    const db = cluster.get(0).db;
    const payments = (await db('payments').where({ merchant_id: merchantId }).whereNot('order_id', 'like', 'save-%')) as PaymentRow[];
    const meta = (p: PaymentRow): Record<string, string> => (p.metadata === null ? {} : (JSON.parse(p.metadata) as Record<string, string>));
    // At most one payment per schedule, period and attempt; exactly one captured per charged period.
    const perAttempt = new Map<string, number>();
    for (const p of payments) {
      const key = `${p.order_id}/${meta(p).schedule_attempt}`;
      perAttempt.set(key, (perAttempt.get(key) ?? 0) + 1);
    }
    assert.deepEqual(
      [...perAttempt].filter(([, n]) => n !== 1),
      [],
      'one payment per schedule, period and attempt',
    );
    const captured = (id: string): PaymentRow[] => payments.filter((p) => p.order_id.startsWith(`${id}-`) && p.status === 'captured');
    const periodsCharged = (id: string): string[] =>
      captured(id)
        .map((p) => p.order_id)
        .sort((a, b) => Number(a.split('-').pop()) - Number(b.split('-').pop()));
    const expectPeriods = (id: string, n: number): void => {
      assert.deepEqual(
        periodsCharged(id),
        Array.from({ length: n }, (_, i) => `${id}-${i + 1}`),
        `${id}: periods 1..${n}, each charged once`,
      );
    };
    const schedule = async (id: string): Promise<Record<string, unknown>> =>
      (await shop.get(`/v1/schedules/${id}`).expect(200)).body as Record<string, unknown>;

    // steady: 13 monthly charges on the 31st or the month's last day, then completed.
    expectPeriods(ids.steady, 13);
    assert.deepEqual(
      captured(ids.steady)
        .map((p) => utcDate(Number(p.created_at)))
        .sort(),
      [
        '2026-12-31',
        '2027-01-31',
        '2027-02-28',
        '2027-03-31',
        '2027-04-30',
        '2027-05-31',
        '2027-06-30',
        '2027-07-31',
        '2027-08-31',
        '2027-09-30',
        '2027-10-31',
        '2027-11-30',
        '2027-12-31',
      ],
    );
    assert.deepEqual(pick(await schedule(ids.steady), ['status', 'charges_made', 'next_charge_at']), {
      status: 'completed',
      charges_made: 13,
      next_charge_at: null,
    });

    // soft: March failed three times (insufficient funds), the last retry on Mar 20 paid; every month charged once, still active.
    expectPeriods(ids.soft, 13);
    const march = payments.filter((p) => p.order_id === `${ids.soft}-3`).sort((a, b) => Number(a.created_at) - Number(b.created_at));
    assert.deepEqual(
      march.map((p) => [utcDate(Number(p.created_at)), p.status, p.failure_code]),
      [
        ['2027-03-15', 'declined', 'insufficient_funds'],
        ['2027-03-16', 'declined', 'insufficient_funds'],
        ['2027-03-18', 'declined', 'insufficient_funds'],
        ['2027-03-20', 'captured', null],
      ],
    );
    assert.deepEqual(pick(await schedule(ids.soft), ['status', 'charges_made', 'next_charge_at']), {
      status: 'active',
      charges_made: 13,
      next_charge_at: '2028-02-15T00:00:00.000Z',
    });

    // exhausted: four Mondays paid, then Mar 1 and its retries on Mar 2, 4 and 6 failed: canceled.
    expectPeriods(ids.exhausted, 4);
    assert.deepEqual(
      payments
        .filter((p) => p.order_id === `${ids.exhausted}-5`)
        .map((p) => [utcDate(Number(p.created_at)), p.status])
        .sort(),
      [
        ['2027-03-01', 'declined'],
        ['2027-03-02', 'declined'],
        ['2027-03-04', 'declined'],
        ['2027-03-06', 'declined'],
      ],
    );
    assert.deepEqual(pick(await schedule(ids.exhausted), ['status', 'cancellation_reason', 'charges_made']), {
      status: 'canceled',
      cancellation_reason: 'retries_exhausted',
      charges_made: 4,
    });

    // hard: January to May paid; June 5 refused by the issuer: one attempt, no retry, canceled.
    expectPeriods(ids.hard, 5);
    assert.deepEqual(
      payments.filter((p) => p.order_id === `${ids.hard}-6`).map((p) => [utcDate(Number(p.created_at)), p.status, p.failure_code]),
      [['2027-06-05', 'declined', 'do_not_honor']],
    );
    assert.deepEqual(pick(await schedule(ids.hard), ['status', 'cancellation_reason', 'charges_made']), {
      status: 'canceled',
      cancellation_reason: 'hard_decline',
      charges_made: 5,
    });

    // daily: 40 days in a row, then completed; until: every other Wednesday through June 30.
    expectPeriods(ids.daily, 40);
    assert.equal((await schedule(ids.daily)).status, 'completed');
    expectPeriods(ids.until, 15);
    assert.deepEqual(pick(await schedule(ids.until), ['status', 'completed_at']), { status: 'completed', completed_at: '2027-06-30T12:00:00.000Z' });

    // The history and the events say the same as the payments, once each.
    for (const [name, id] of Object.entries(ids)) {
      const attempts = await db('schedule_charges').where({ schedule_id: id });
      const mine = payments.filter((p) => p.order_id.startsWith(`${id}-`));
      assert.equal(attempts.length, mine.length, `${name}: one attempt row per payment`);
      assert.ok(
        attempts.every((a: { payment_id: string | null }) => a.payment_id !== null && mine.some((p) => p.id === a.payment_id)),
        `${name}: every attempt names its payment`,
      );
      const events = (await db('events').where({ merchant_id: merchantId, object_id: id })) as Array<{ type: string; data: string }>;
      const succeeded = events
        .filter((e) => e.type === 'schedule.charge_succeeded')
        .map((e) => (JSON.parse(e.data) as { object: { latest_charge: { period: number } } }).object.latest_charge.period);
      assert.equal(new Set(succeeded).size, succeeded.length, `${name}: one charge_succeeded per period`);
      assert.equal(succeeded.length, captured(id).length, `${name}: an event per charge`);
      assert.equal(events.filter((e) => e.type === 'schedule.charge_failed').length, mine.length - captured(id).length, `${name}: an event per failed attempt`);
    }
    const typesOf = async (id: string): Promise<string[]> =>
      ((await db('events').where({ object_id: id }).orderBy('seq', 'asc')) as Array<{ type: string }>)
        .map((e) => e.type)
        .filter((t) => t !== 'schedule.charge_succeeded');
    assert.deepEqual(await typesOf(ids.soft), [
      'schedule.created',
      'schedule.charge_failed',
      'schedule.past_due',
      'schedule.retry_scheduled',
      'schedule.charge_failed',
      'schedule.retry_scheduled',
      'schedule.charge_failed',
      'schedule.retry_scheduled',
    ]);
    assert.deepEqual(await typesOf(ids.hard), ['schedule.created', 'schedule.charge_failed', 'schedule.canceled']);
    assert.deepEqual(await typesOf(ids.steady), ['schedule.created', 'schedule.completed']);

    // The customers' e-mails, over real SMTP: failed charges (with the retry date, or that the payments stopped) and upcoming charges.
    const to = (who: string, subject: RegExp) => smtp.messages.filter((m) => m.to.includes(`${who}@example.com`) && subject.test(m.subject));
    await eventually(
      async () =>
        to('soft', /did not go through/).length === 3 && to('exhausted', /did not go through/).length === 4 && to('hard', /did not go through/).length === 1,
      'the failed-charge e-mails',
    );
    assert.deepEqual(
      to('soft', /did not go through/).map((m) => /We will try again on ([^.]+)\./.exec(m.text)?.[1]),
      ['16 March 2027', '18 March 2027', '20 March 2027'],
    );
    assert.match(to('hard', /did not go through/)[0].text, /No more attempts will be made/);
    assert.match(to('hard', /did not go through/)[0].text, /visa •••• 4242|•••• 4242/);
    await eventually(async () => to('steady', /will charge/).length === 13, 'the upcoming-charge e-mails of the monthly schedule', 30_000);
    assert.equal(to('daily', /will charge/).length, 1, 'a daily schedule announces only its first charge');
    for (const m of smtp.messages) assert.ok(!m.text.includes('4242424242424242') && !m.html.includes('424242424242'), 'no card number in an e-mail');
  });
});

function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}
