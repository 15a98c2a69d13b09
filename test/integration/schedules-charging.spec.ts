import assert from 'node:assert/strict';
import request from 'supertest';
import { BankRegistry, FixedClock } from '@tender/core';
import { SandboxBankAdapter, plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { plugin as savedCardsPlugin } from '@tender/plugin-saved-cards';
import { chargeIdempotencyKey, chargeOrderId } from '@tender/plugin-saved-cards/dist/schedules/charge-attempt';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { SmtpCapture } from '../support/smtp-capture';
import { FAST_WEBHOOKS, WebhookReceiver, eventually } from '../support/webhook-receiver';
import { CustomerWithCard, customerWithCard, pointSavedCardAt, schedulesSettled } from '../support/schedule-fixtures';
import { passChallenge } from '../support/saved-cards';

const DAY = 86_400_000;
const MINUTE = 60_000;
const FAST = { ...FAST_WEBHOOKS, TENDER_EMAIL_RETRY_BASE_MS: '20', TENDER_EMAIL_RETRY_MAX_MS: '100' };

describe('schedules: the charger on one gateway (crash recovery, e-mails, webhooks, erasure, cancel)', function () {
  this.timeout(120_000);
  const clock = new FixedClock(Date.parse('2027-01-10T12:00:00Z'));
  let t: TestGateway;
  let smtp: SmtpCapture;
  let hooks: WebhookReceiver;
  let shop: MerchantClient;
  let merchantId: string;

  const settled = (what: string) => schedulesSettled(t.gateway.db, clock, what);
  const day = async (n = 1): Promise<void> => {
    for (let i = 0; i < n; i++) {
      clock.advance(DAY);
      await settled(new Date(clock.now()).toISOString().slice(0, 10));
    }
  };
  const schedule = async (b: CustomerWithCard, body: Record<string, unknown>): Promise<string> => {
    const res = await shop.post('/v1/schedules', {
      customer: b.customer,
      payment_method: b.paymentMethod,
      amount: 25000,
      currency: 'RUB',
      interval: 'month',
      ...body,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return String(res.body.id);
  };
  const del = (path: string) => request(t.gateway.app).delete(path).set('Authorization', `Bearer ${shop.key}`);
  const paymentsOf = async (id: string) =>
    (await t.gateway.db('payments').where('order_id', 'like', `${id}-%`).orderBy('seq', 'asc')) as Array<{
      id: string;
      order_id: string;
      status: string;
      failure_code: string | null;
      off_session: number | boolean;
      customer_id: string | null;
      payment_method_id: string | null;
    }>;

  /**
   * A schedule starting tomorrow, and what a process wrote before it died at the start
   * of that day: the claim (a lease of 10 minutes) and the attempt's row, no payment.
   * Then the clock moves to tomorrow noon, inside the dead process's lease.
   */
  const diedWhileCharging = async (email: string, chargeId: string): Promise<{ buyer: CustomerWithCard; id: string }> => {
    const buyer = await customerWithCard(shop, { email });
    const date = new Date(clock.now() + DAY).toISOString().slice(0, 10);
    const id = await schedule(buyer, { start_date: date });
    const dueAt = Date.parse(`${date}T00:00:00Z`);
    await t.gateway
      .db('charge_schedules')
      .where({ id })
      .update({ lease_owner: 'chg_dead', lease_until: clock.now() + DAY + 10 * MINUTE });
    await t.gateway.db('schedule_charges').insert({
      id: chargeId,
      merchant_id: merchantId,
      livemode: false,
      schedule_id: id,
      period_index: 0,
      attempt: 0,
      due_at: dueAt,
      status: 'processing',
      created_at: dueAt,
    });
    clock.advance(DAY);
    return { buyer, id };
  };

  before(async () => {
    smtp = new SmtpCapture();
    hooks = await new WebhookReceiver().start();
    t = await startTestGateway({ clock, plugins: [sandboxPlugin, accountsPlugin, savedCardsPlugin], env: { ...FAST, TENDER_SMTP_URL: await smtp.start() } });
    t.gateway.startBackgroundJobs();
    const m = await t.createMerchant('Tea Club');
    merchantId = m.id;
    shop = new MerchantClient(t.gateway.app, m.key);
    await shop.post('/v1/webhook_endpoints', { url: `http://127.0.0.1:${hooks.port}/hooks`, events: ['schedule.*'] }).expect(201);
  });
  after(async () => {
    await t?.close();
    await smtp?.stop();
    await hooks?.close();
  });

  it('charges on the date as a merchant-initiated payment of the saved card, tells the customer three days before, and posts the events as webhooks', async () => {
    const buyer = await customerWithCard(shop, { email: 'webhooks@example.com' });
    const id = await schedule(buyer, { start_date: '2027-01-20', count: 2, description: 'Green tea' });
    await day(7); // Jan 17: three days before
    const upcoming = await smtp.waitFor(/will charge RUB\u00a0250\.00 on 20 January 2027/);
    assert.equal(upcoming.to, 'webhooks@example.com');
    assert.match(upcoming.text, /Visa •••• 4242/);
    assert.match(upcoming.text, /Green tea/);
    assert.deepEqual(await paymentsOf(id), []);
    await day(3); // Jan 20
    const [p] = await paymentsOf(id);
    assert.ok(p !== undefined);
    assert.deepEqual(
      [p.order_id, p.status, Boolean(p.off_session), p.customer_id, p.payment_method_id],
      [`${id}-1`, 'captured', true, buyer.customer, buyer.paymentMethod],
    );
    // What the bank was told: a recurring merchant-initiated payment quoting the first payment's reference, no CVC.
    const saved = await t.gateway.db('customer_payment_methods').where({ id: buyer.paymentMethod }).first();
    const sandbox = t.gateway.container.resolve(BankRegistry).get('sandbox') as SandboxBankAdapter;
    assert.deepEqual(
      sandbox
        .authorizations()
        .filter((a) => a.paymentId === p.id)
        .map((a) => [a.initiator, a.sequence, a.reason, a.originalReference, a.cvcGiven]),
      [['merchant', 'subsequent', 'recurring', saved.network_reference, false]],
    );
    const view = (await shop.get(`/v1/schedules/${id}`).expect(200)).body as Record<string, unknown>;
    assert.deepEqual([view.status, view.charges_made, view.next_period, view.next_charge_at], ['active', 1, 2, '2027-02-20T00:00:00.000Z']);
    const history = (await shop.get(`/v1/schedules/${id}/charges`).expect(200)).body as { data: Array<Record<string, unknown>> };
    assert.deepEqual(
      history.data.map((c) => [c.period, c.attempt, c.status, c.payment, c.due_at]),
      [[1, 0, 'succeeded', p.id, '2027-01-20T00:00:00.000Z']],
    );
    await eventually(
      async () => hooks.received.some((h) => (JSON.parse(h.body) as { type: string }).type === 'schedule.charge_succeeded'),
      'the charge_succeeded webhook',
    );
    // Webhooks are delivered at least once (a delivery in flight when the test moves the clock a day is sent again): one per event id.
    const byEvent = new Map(
      hooks.received.map((h) => [h.eventId, JSON.parse(h.body) as { type: string; data: { object: { id: string; latest_charge?: { payment: string } } } }]),
    );
    const types = [...byEvent.values()].filter((e) => e.data.object.id === id);
    assert.deepEqual(types.map((e) => e.type).sort(), ['schedule.charge_succeeded', 'schedule.created']);
    assert.equal(types.find((e) => e.type === 'schedule.charge_succeeded')?.data.object.latest_charge?.payment, p.id);
    await day(31); // Feb 20: the second and last charge
    assert.equal((await shop.get(`/v1/schedules/${id}`).expect(200)).body.status, 'completed');
    assert.equal((await paymentsOf(id)).length, 2);
  });

  it('resumes an attempt whose process died before making the payment: one payment, made by the next process after the lease', async () => {
    const { id } = await diedWhileCharging('crash1@example.com', 'schc_dead1');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await paymentsOf(id), [], "nothing is done while the dead process's lease holds");
    clock.advance(10 * MINUTE);
    await settled('the takeover');
    const made = await paymentsOf(id);
    assert.deepEqual(
      made.map((p) => [p.order_id, p.status]),
      [[`${id}-1`, 'captured']],
    );
    const rows = await t.gateway.db('schedule_charges').where({ schedule_id: id });
    assert.deepEqual(
      rows.map((r: { id: string; status: string; payment_id: string }) => [r.id, r.status, r.payment_id]),
      [['schc_dead1', 'succeeded', made[0].id]],
    );
    assert.equal((await t.gateway.db('events').where({ object_id: id, type: 'schedule.charge_succeeded' })).length, 1);
  });

  it('resumes an attempt whose process died after the bank approved it: the payment is found, not made again', async () => {
    const { buyer, id } = await diedWhileCharging('crash2@example.com', 'schc_dead2');
    // The payment the dead process made: the same request the charger sends, under the same idempotency key.
    const paid = await shop
      .post(
        '/v1/payments',
        {
          amount: 25000,
          currency: 'RUB',
          order_id: chargeOrderId(id, 0),
          capture_method: 'automatic',
          metadata: { schedule: id, schedule_period: '1', schedule_attempt: '0' },
          customer: buyer.customer,
          off_session: true,
          confirm: true,
          payment_method: { type: 'saved_card', saved_card: { id: buyer.paymentMethod, reason: 'recurring' } },
        },
        chargeIdempotencyKey(id, 0, 0),
      )
      .expect(201);
    assert.equal(paid.body.status, 'captured');
    clock.advance(10 * MINUTE);
    await settled('the takeover');
    assert.deepEqual(
      (await paymentsOf(id)).map((p) => p.id),
      [paid.body.id],
      'no second payment',
    );
    const view = (await shop.get(`/v1/schedules/${id}`).expect(200)).body as Record<string, unknown>;
    assert.deepEqual([view.charges_made, view.next_period], [1, 2]);
    assert.equal((await t.gateway.db('schedule_charges').where({ id: 'schc_dead2' }).first()).payment_id, paid.body.id);
  });

  it('tells the customer of a failed charge in their language (Russian, then Arabic right to left), with the retry date; a cancel while past due stops the retries', async () => {
    const buyer = await customerWithCard(shop, { email: 'ru@example.com' });
    const id = await schedule(buyer, { start_date: new Date(clock.now() + 2 * DAY).toISOString().slice(0, 10), locale: 'ru' });
    await pointSavedCardAt(t.gateway, merchantId, buyer.paymentMethod, CARDS.insufficientFunds);
    const before = smtp.messages.length;
    await day(2);
    const failed = await smtp.waitFor(/не прошёл/, before);
    assert.equal(failed.to, 'ru@example.com');
    assert.match(failed.text, /Мы попробуем ещё раз \d+ [а-я]+ 2027/);
    assert.match(failed.text, /The card has insufficient funds\./, 'the buyer-safe reason');
    const view = (await shop.get(`/v1/schedules/${id}`).expect(200)).body as Record<string, unknown>;
    assert.deepEqual([view.status, view.next_attempt], ['past_due', 1]);
    await shop.post(`/v1/schedules/${id}/cancel`).expect(200);
    await day(6);
    assert.equal((await paymentsOf(id)).length, 1, 'no retry after the cancel');

    const arabic = await customerWithCard(shop, { email: 'ar@example.com' });
    const second = await schedule(arabic, { start_date: new Date(clock.now() + DAY).toISOString().slice(0, 10), locale: 'ar' });
    await pointSavedCardAt(t.gateway, merchantId, arabic.paymentMethod, CARDS.doNotHonor);
    const mark = smtp.messages.length;
    await day();
    const ar = await smtp.waitFor(/لم تتم دفعتك/, mark);
    assert.match(ar.html, /dir="rtl"/);
    assert.match(ar.text, /لن تكون هناك محاولات أخرى/, 'a hard decline: no more attempts');
    const stopped = (await shop.get(`/v1/schedules/${second}`).expect(200)).body as Record<string, unknown>;
    assert.deepEqual([stopped.status, stopped.cancellation_reason], ['canceled', 'hard_decline']);
  });

  it('stops a schedule whose saved card was deleted (the charge is refused, no payment written) and one whose customer was erased', async () => {
    const buyer = await customerWithCard(shop, { email: 'deleted@example.com' });
    const id = await schedule(buyer, { start_date: new Date(clock.now() + DAY).toISOString().slice(0, 10) });
    await del(`/v1/payment_methods/${buyer.paymentMethod}`).expect(200);
    await day();
    assert.deepEqual(await paymentsOf(id), [], 'the refused charge wrote no payment');
    const view = (await shop.get(`/v1/schedules/${id}`).expect(200)).body as Record<string, unknown>;
    assert.deepEqual([view.status, view.cancellation_reason], ['canceled', 'hard_decline']);
    const history = (await shop.get(`/v1/schedules/${id}/charges`).expect(200)).body as { data: Array<Record<string, unknown>> };
    assert.deepEqual(
      history.data.map((c) => [c.status, c.failure_code, c.payment]),
      [['failed', 'resource_not_found', null]],
    );

    const erased = await customerWithCard(shop, { email: 'erased@example.com' });
    const live = await schedule(erased, { start_date: new Date(clock.now() + 5 * DAY).toISOString().slice(0, 10) });
    const exported = (await shop.get(`/v1/customers/${erased.customer}/export`).expect(200)).body as { schedules?: Array<{ id: string; charges: unknown[] }> };
    assert.deepEqual(
      exported.schedules?.map((s) => s.id),
      [live],
      'the export holds the schedules',
    );
    await del(`/v1/customers/${erased.customer}`).expect(200);
    const after = (await shop.get(`/v1/schedules/${live}`).expect(200)).body as Record<string, unknown>;
    assert.deepEqual([after.status, after.cancellation_reason], ['canceled', 'customer_deleted']);
    await day(6);
    assert.deepEqual(await paymentsOf(live), []);
  });

  it('waits while the issuer asks the absent buyer to authenticate (4000 0027 6000 3184), and moves on once the buyer has', async () => {
    const buyer = await customerWithCard(shop, { email: 'authenticate@example.com' });
    const id = await schedule(buyer, { start_date: new Date(clock.now() + DAY).toISOString().slice(0, 10) });
    await pointSavedCardAt(t.gateway, merchantId, buyer.paymentMethod, '4000002760003184');
    const from = smtp.messages.length;
    clock.advance(DAY);
    await eventually(async () => (await paymentsOf(id)).length === 1, 'the charge');
    const [waiting] = await paymentsOf(id);
    await eventually(async () => (await t.gateway.db('payments').where({ id: waiting.id }).first())!.status === 'requires_action', 'requires_action');
    const mail = await smtp.waitFor(/^Confirm your payment/, from);
    assert.equal(mail.to, 'authenticate@example.com');
    // The schedule waits for the buyer: the attempt stays open, no second payment, however often the charger looks.
    for (let i = 0; i < 3; i++) {
      clock.advance(2 * MINUTE);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((await paymentsOf(id)).length, 1);
    assert.deepEqual(
      ((await shop.get(`/v1/schedules/${id}/charges`).expect(200)).body as { data: Array<{ status: string }> }).data.map((c) => c.status),
      ['processing'],
    );
    const url = (await shop.get(`/v1/payments/${waiting.id}`).expect(200)).body.payment_url as string;
    await passChallenge(t.gateway.app, url);
    clock.advance(2 * MINUTE);
    await settled('the authenticated charge');
    const view = (await shop.get(`/v1/schedules/${id}`).expect(200)).body as Record<string, unknown>;
    assert.deepEqual([view.status, view.charges_made, view.next_period], ['active', 1, 2]);
    assert.deepEqual(
      (await paymentsOf(id)).map((p) => p.status),
      ['captured'],
    );
    await shop.post(`/v1/schedules/${id}/cancel`).expect(200);
  });

  it('records a charge that was waiting for the buyer when the merchant canceled: the payment stands, the schedule stays canceled', async () => {
    const buyer = await customerWithCard(shop, { email: 'late-confirm@example.com' });
    const id = await schedule(buyer, { start_date: new Date(clock.now() + DAY).toISOString().slice(0, 10) });
    await pointSavedCardAt(t.gateway, merchantId, buyer.paymentMethod, '4000002760003184');
    clock.advance(DAY);
    await eventually(async () => (await paymentsOf(id)).some((p) => p.status === 'requires_action'), 'the charge waiting for the buyer');
    const canceled = (await shop.post(`/v1/schedules/${id}/cancel`).expect(200)).body as Record<string, unknown>;
    assert.deepEqual([canceled.status, canceled.charges_made], ['canceled', 0]);
    const [waiting] = await paymentsOf(id);
    await passChallenge(t.gateway.app, (await shop.get(`/v1/payments/${waiting.id}`).expect(200)).body.payment_url as string);
    clock.advance(11 * MINUTE);
    await settled('the late confirmation recorded');
    const after = (await shop.get(`/v1/schedules/${id}`).expect(200)).body as Record<string, unknown>;
    assert.deepEqual([after.status, after.charges_made, after.next_charge_at], ['canceled', 1, null]);
    const history = (await shop.get(`/v1/schedules/${id}/charges`).expect(200)).body as { data: Array<{ status: string; payment: string }> };
    assert.deepEqual(
      history.data.map((c) => [c.status, c.payment]),
      [['succeeded', waiting.id]],
    );
    assert.equal((await t.gateway.db('events').where({ object_id: id, type: 'schedule.charge_succeeded' })).length, 1);
    clock.advance(40 * DAY);
    await settled('nothing more');
    assert.equal((await paymentsOf(id)).length, 1, 'nothing more is charged');
  });

  it("charges at midnight in the merchant's time zone", async () => {
    await t.gateway.db('merchants').where({ id: merchantId }).update({ time_zone: 'Europe/Moscow' });
    try {
      const buyer = await customerWithCard(shop, { email: 'moscow@example.com' });
      const date = new Date(clock.now() + 2 * DAY).toISOString().slice(0, 10);
      const id = await schedule(buyer, { start_date: date });
      const view = (await shop.get(`/v1/schedules/${id}`).expect(200)).body as Record<string, unknown>;
      assert.equal(view.time_zone, 'Europe/Moscow');
      assert.equal(view.next_charge_at, new Date(Date.parse(`${date}T00:00:00Z`) - 3 * 3_600_000).toISOString());
    } finally {
      await t.gateway.db('merchants').where({ id: merchantId }).update({ time_zone: null });
    }
  });
});
