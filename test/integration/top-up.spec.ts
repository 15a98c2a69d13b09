import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { FixedClock, RefundService } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { CardDailyLimitRuleCode, NumberVelocityRuleCode, TOP_UP_DELIVERY, TopUpDelivery, plugin as topUpPlugin } from '@tender/plugin-top-up';
import { CARDS } from '../support/merchant-client';
import { pageTokenOf, postCard } from '../support/hosted-page';
import { RowCounter } from '../support/row-counts';
import { SmtpSink } from '../support/smtp-sink';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { eventually } from '../support/webhook-receiver';
import { TOP_UP_NUMBERS, TOP_UP_TEST_OPTIONS, putTopUpSettings, topUpSettings } from '../support/top-up-fixtures';

const FAST_MAIL = { TENDER_NOTIFY_POLL_MS: '20', TENDER_EMAIL_RETRY_BASE_MS: '20', TENDER_EMAIL_RETRY_MAX_MS: '100' };

interface Created {
  id: string;
  status: string;
  fee: number;
  total: number;
  payment_url: string;
  status_url: string;
  phone: string;
  operator: string;
}

describe('mobile top-up (@tender/plugin-top-up)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let smtp: SmtpSink;
  let delivery: TopUpDelivery;
  let merchantId: string;
  let merchantKey: string;
  const clock = new FixedClock(Date.now());

  before(async () => {
    smtp = await new SmtpSink().start();
    t = await startTestGateway({
      clock,
      plugins: [sandboxPlugin, accountsPlugin, topUpPlugin],
      env: {
        ...TOP_UP_TEST_OPTIONS,
        ...FAST_MAIL,
        TENDER_SMTP_URL: smtp.url(),
        TENDER_MAIL_FROM: 'Tender <no-reply@pay.tender.test>',
        TENDER_BRAND_NAME: 'Acme Mobile',
        TENDER_BRAND_COLOR: '#AA3300',
      },
    });
    t.gateway.startBackgroundJobs();
    delivery = t.gateway.container.resolve<TopUpDelivery>(TOP_UP_DELIVERY);
    ({ id: merchantId, key: merchantKey } = await t.createMerchant('Top-ups'));
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  const app = () => t.gateway.app;
  const create = (body: Record<string, unknown>) => request(app()).post('/plugins/top-up/api/top-ups').send(body);
  const row = async (id: string) => (await t.gateway.db('top_ups').where({ id }).first()) as Record<string, unknown>;
  const calls = async (reference: string, kind: string) =>
    Number(((await t.gateway.db('top_up_sandbox_calls').where({ reference, kind }).count({ n: '*' }).first()) as { n: unknown }).n);
  const riskOf = async (paymentId: string) =>
    JSON.stringify((await request(app()).get(`/v1/payments/${paymentId}`).set('Authorization', `Bearer ${merchantKey}`).expect(200)).body.risk);
  const effects = async (reference: string) => (await t.gateway.db('top_up_sandbox_operations').where({ reference })) as Array<Record<string, unknown>>;

  /** Creates a top-up through the API and pays its payment with a card on the hosted page. */
  async function paidTopUp(phone: string, amount = 10_050, extra: Record<string, unknown> = {}): Promise<Created> {
    const created = (await create({ phone, amount, ...extra }).expect(201)).body as Created;
    const res = await postCard(app(), pageTokenOf(created.payment_url), CARDS.visa);
    assert.ok(res.status === 303 || res.status === 200, `card post answered ${res.status}`);
    assert.equal((await row(created.id)).status, 'paid');
    return created;
  }

  it('refuses everything until the operator has saved settings, and refuses bad settings', async () => {
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    assert.equal((await create({ phone: TOP_UP_NUMBERS.accepts, amount: 10_000 }).expect(409)).body.error.code, 'top_up_not_configured');
    assert.equal(
      (await putTopUpSettings(app(), topUpSettings(merchantId, { daily_limit_per_number: 0.5 })).expect(400)).body.error.param,
      'daily_limit_per_number',
    );
    assert.equal(
      (
        await putTopUpSettings(app(), topUpSettings(merchantId, { operators: { '7740000076': { name: 'MTS', min_amount: 5000, max_amount: 100 } } })).expect(
          400,
        )
      ).body.error.param,
      'operators.7740000076.min_amount',
    );
    assert.equal(
      (
        await putTopUpSettings(
          app(),
          topUpSettings(merchantId, { operators: { '7740000076': { name: 'MTS', min_amount: 100, max_amount: 1000, fee_bps: 10001 } } }),
        ).expect(400)
      ).body.error.param,
      'operators.7740000076.fee_bps',
    );
    await request(app()).put('/admin/v1/top-up/settings').send(topUpSettings(merchantId)).expect(401);
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
    await putTopUpSettings(app(), topUpSettings(merchantId)).expect(200);
  });

  it('names the numbering plan it uses, with its source and date, and reloads it', async () => {
    const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    const plan = (await request(app()).get('/admin/v1/top-up/numbering-plan').set(auth).expect(200)).body;
    assert.equal(plan.ranges, 8);
    assert.match(plan.source, /Минцифры/);
    assert.equal(plan.date, '2026-12-04');
    assert.equal((await request(app()).post('/admin/v1/top-up/numbering-plan/reload').set(auth).expect(200)).body.ranges, 8);
  });

  it('refuses bad numbers, unknown operators and amounts outside the limits, writing nothing', async () => {
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    const refusals: Array<[Record<string, unknown>, number, string, string]> = [
      [{ phone: '+7 495 123-45-67', amount: 10_000 }, 400, 'phone_number_invalid', 'phone'], // Moscow fixed line
      [{ phone: '+1 202 555 0100', amount: 10_000 }, 400, 'phone_number_invalid', 'phone'],
      [{ phone: '+7916123456', amount: 10_000 }, 400, 'phone_number_invalid', 'phone'], // nine digits
      [{ phone: '+79161234567; DROP TABLE top_ups', amount: 10_000 }, 400, 'phone_number_invalid', 'phone'],
      [{ phone: '<script>alert(1)</script>', amount: 10_000 }, 400, 'phone_number_invalid', 'phone'],
      [{ phone: TOP_UP_NUMBERS.unknownOperator, amount: 10_000 }, 400, 'top_up_operator_unknown', 'phone'],
      [{ phone: TOP_UP_NUMBERS.unallocated, amount: 10_000 }, 400, 'top_up_operator_unknown', 'phone'],
      [{ phone: TOP_UP_NUMBERS.accepts, amount: 999 }, 400, 'top_up_amount_out_of_range', 'amount'],
      [{ phone: TOP_UP_NUMBERS.accepts, amount: 1_500_001 }, 400, 'top_up_amount_out_of_range', 'amount'],
      [{ phone: TOP_UP_NUMBERS.accepts, amount: 100.5 }, 400, 'parameter_invalid', 'amount'],
      [{ phone: TOP_UP_NUMBERS.accepts, amount: 10_000, currency: 'USD' }, 400, 'parameter_invalid', 'currency'],
      [{ phone: TOP_UP_NUMBERS.accepts, amount: 10_000, merchant_id: 'mer_x' }, 400, 'parameter_unknown', 'merchant_id'],
      [{ phone: TOP_UP_NUMBERS.accepts, amount: 10_000, email: 'not-an-address' }, 400, 'parameter_invalid', 'email'],
    ];
    for (const [body, status, code, param] of refusals) {
      const res = await create(body).expect(status);
      assert.equal(res.body.error.code, code, JSON.stringify(body));
      assert.equal(res.body.error.param, param, JSON.stringify(body));
    }
    // The page's form refuses the same way, in the buyer's language, and keeps what was typed (escaped).
    const page = await request(app()).post('/plugins/top-up/').type('form').send({ phone: '+7 495 <b>1', amount: '100', locale: 'ru' }).expect(400);
    assert.match(page.text, /Введите российский мобильный номер/);
    assert.ok(page.text.includes('+7 495 &lt;b&gt;1') && !page.text.includes('<b>1'));
    assert.match(
      (await request(app()).post('/plugins/top-up/').type('form').send({ phone: TOP_UP_NUMBERS.accepts, amount: '12,345', locale: 'en' }).expect(400)).text,
      /Enter the amount in rubles/,
    );
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
  });

  it('prices the fee exactly, pays on the hosted page and tops up once; the buyer gets a receipt and a status page', async () => {
    const created = (await create({ phone: '8 (916) 123-00-01', amount: 10_050, email: 'buyer@example.com', locale: 'en' }).expect(201)).body as Created;
    // MTS: 500 fixed + round_half_up(10050 * 150 / 10000 = 150.75) = 651.
    assert.deepEqual(
      [created.fee, created.total, created.phone, created.operator, created.status],
      [651, 10_701, '+7 916 ***-**-01', 'MTS', 'awaiting_payment'],
    );
    const pay = await t.gateway.db('payments').where({ order_id: created.id, merchant_id: merchantId }).first();
    assert.equal(Number(pay!.amount), 10_701);
    assert.equal(pay!.return_url, created.status_url);
    await postCard(app(), pageTokenOf(created.payment_url), CARDS.visa);
    assert.equal((await row(created.id)).status, 'paid');

    assert.equal(await delivery.runOnce(), 1);
    assert.equal((await row(created.id)).status, 'delivered');
    assert.equal(await delivery.runOnce(), 0, 'nothing left to do');
    assert.equal(await calls(created.id, 'send'), 1);
    assert.equal((await effects(created.id)).length, 1);
    assert.equal(Number((await effects(created.id))[0].amount), 10_050, 'the provider credits the amount, not the fee');

    await eventually(async () => smtp.messages.some((m) => m.subject?.includes('+7 916 ***-**-01')), 'the receipt');
    const mail = smtp.messages.find((m) => m.subject?.includes('+7 916 ***-**-01'))!;
    assert.match(mail.text ?? '', /Credited: RUB\s100\.50/u);
    assert.ok(!(mail.text ?? '').includes('9161230001'), 'the full number is not in the receipt');

    const token = created.status_url.split('/status/')[1];
    const status = await request(app()).get(`/plugins/top-up/status/${token}`).expect(200);
    assert.match(status.text, /data-status="delivered"/);
    assert.match(status.text, /the money is on your phone account/);
    assert.equal((await request(app()).get(`/plugins/top-up/api/top-ups/${token}`).expect(200)).body.status, 'delivered');
    await request(app()).get('/plugins/top-up/api/top-ups/not-a-token-at-all-xxxxxxxx').expect(404);
    assert.match((await request(app()).get(`/plugins/top-up/status/${token}?lang=ar`).expect(200)).text, /dir="rtl"/);
  });

  it('two delivery passes at once send a paid top-up once (the lease)', async () => {
    const created = await paidTopUp('+79161230011');
    const worked = await Promise.all([delivery.runOnce(), delivery.runOnce(), delivery.runOnce()]);
    assert.equal(
      worked.reduce((a, b) => a + b, 0),
      1,
    );
    assert.equal(await calls(created.id, 'send'), 1);
    assert.equal((await row(created.id)).status, 'delivered');
  });

  it('after a provider timeout it inquires instead of sending again, and the phone is credited once', async () => {
    const created = await paidTopUp(TOP_UP_NUMBERS.timesOut);
    await delivery.runOnce();
    assert.equal((await row(created.id)).status, 'unknown');
    assert.equal((await effects(created.id)).length, 1, 'the send took effect at the operator, only its answer was lost');
    await delivery.runOnce();
    assert.equal((await row(created.id)).status, 'delivered');
    assert.deepEqual([await calls(created.id, 'send'), await calls(created.id, 'inquiry')], [1, 1]);
  });

  it('a provider that answers later is asked again until it settles', async () => {
    const created = await paidTopUp(TOP_UP_NUMBERS.answersLater);
    await delivery.runOnce();
    assert.equal((await row(created.id)).status, 'unknown');
    await delivery.runOnce();
    assert.equal((await row(created.id)).status, 'unknown');
    clock.advance(61_000);
    await delivery.runOnce();
    assert.equal((await row(created.id)).status, 'delivered');
    assert.deepEqual([await calls(created.id, 'send'), await calls(created.id, 'inquiry')], [1, 2]);
  });

  it('a rejected top-up is refunded through core refunds, once', async () => {
    const created = await paidTopUp(TOP_UP_NUMBERS.rejects);
    await delivery.runOnce();
    const r = await row(created.id);
    assert.equal(r.status, 'refunded');
    const refunds = await t.gateway.db('refunds').where({ payment_id: String(r.payment_id) });
    assert.equal(refunds.length, 1);
    assert.equal(Number(refunds[0].amount), created.total, 'the fee is refunded too');
    const payment = await t.gateway
      .db('payments')
      .where({ id: String(r.payment_id) })
      .first();
    assert.equal(payment!.status, 'refunded');
    // A second pass after a crash between refund and status write reuses the refund's idempotency key.
    await t.gateway.db('top_ups').where({ id: created.id }).update({ status: 'refund_pending' });
    await delivery.runOnce();
    assert.equal((await t.gateway.db('refunds').where({ payment_id: String(r.payment_id) })).length, 1);
    assert.equal((await row(created.id)).status, 'refunded');
    const status = await request(app())
      .get(`/plugins/top-up/status/${created.status_url.split('/status/')[1]}?lang=ru`)
      .expect(200);
    assert.match(status.text, /платёж возвращён на карту/);
  });

  it('a rejected top-up whose payment the operator already refunded by hand records that refund, never a second one', async () => {
    const created = await paidTopUp(TOP_UP_NUMBERS.rejects);
    const paymentId = String((await row(created.id)).payment_id);
    const byHand = await t.gateway.container.resolve(RefundService).create({ merchantId, livemode: false }, { payment_id: paymentId, reason: 'by hand' });
    await delivery.runOnce();
    const r = await row(created.id);
    assert.equal(r.status, 'refunded');
    assert.equal(r.refund_id, byHand.id);
    assert.equal((await t.gateway.db('refunds').where({ payment_id: paymentId })).length, 1);
  });

  it('keeps the daily limit per number, counting unpaid top-ups; a refused one writes nothing', async () => {
    await create({ phone: '+79251110000', amount: 1_500_000 }).expect(201); // MegaFon
    await create({ phone: '+79251110000', amount: 1_500_000 }).expect(201);
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    assert.equal((await create({ phone: '+7 925 111-00-00', amount: 1000 }).expect(403)).body.error.code, 'top_up_limit_exceeded');
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
    clock.advance(24 * 3600_000 + 1);
    await create({ phone: '+79251110000', amount: 1000 }).expect(201);
  });

  it('blocks a card above its daily limit, and scores many top-ups of one number (risk rules)', async () => {
    await putTopUpSettings(app(), topUpSettings(merchantId, { daily_limit_per_card: 20_000 })).expect(200);
    try {
      await paidTopUp('+79161230021', 10_000); // 10 650 with the fee
      const second = (await create({ phone: '+79161230022', amount: 10_000 }).expect(201)).body as Created;
      await postCard(app(), pageTokenOf(second.payment_url), CARDS.visa);
      const payment = await t.gateway.db('payments').where({ order_id: second.id }).first();
      assert.equal(payment!.failure_code, 'fraud_suspected');
      assert.match(await riskOf(String(payment!.id)), new RegExp(CardDailyLimitRuleCode));
      assert.equal((await row(second.id)).status, 'awaiting_payment');
    } finally {
      await putTopUpSettings(app(), topUpSettings(merchantId)).expect(200);
    }
    for (let i = 0; i < 3; i++) await paidTopUp('+79161230031', 1000);
    const fourth = (await create({ phone: '+79161230031', amount: 1000 }).expect(201)).body as Created;
    await postCard(app(), pageTokenOf(fourth.payment_url), CARDS.mastercard);
    const payment = await t.gateway.db('payments').where({ order_id: fourth.id }).first();
    assert.match(await riskOf(String(payment!.id)), new RegExp(NumberVelocityRuleCode));
  });

  it('a top-up whose payment is canceled is canceled and never sent', async () => {
    const created = (await create({ phone: '+79161230041', amount: 1000 }).expect(201)).body as Created;
    const paymentId = String((await row(created.id)).payment_id);
    await request(app()).post(`/v1/payments/${paymentId}/cancel`).set('Authorization', `Bearer ${merchantKey}`).expect(200);
    assert.equal((await row(created.id)).status, 'canceled');
    await delivery.runOnce();
    assert.equal(await calls(created.id, 'send'), 0);
    assert.match(
      (
        await request(app())
          .get(`/plugins/top-up/status/${created.status_url.split('/status/')[1]}?lang=en`)
          .expect(200)
      ).text,
      /nothing was charged/,
    );
  });

  it('serves a phone-first, white-labelled page in ru, en and ar', async () => {
    const ru = await request(app()).get('/plugins/top-up/').set('Accept-Language', 'ru-RU,ru;q=0.9').expect(200);
    assert.match(ru.text, /<html lang="ru" dir="ltr">/);
    assert.match(ru.text, /Пополнение мобильного/);
    assert.match(ru.text, /<span class="brand">Acme Mobile<\/span>/);
    assert.match(ru.text, /--brand:#aa3300 /);
    assert.ok(ru.text.indexOf('name="phone"') < ru.text.indexOf('name="amount"'), 'the phone comes first');
    assert.match(ru.headers['content-security-policy'] ?? '', /default-src 'none'/);
    assert.match((await request(app()).get('/plugins/top-up/?lang=ar').expect(200)).text, /<html lang="ar" dir="rtl">/);
    assert.match((await request(app()).get('/plugins/top-up/?lang=en').expect(200)).text, /Mobile top-up/);
  });
});

describe('mobile top-up: the operator replaces the numbering plan file', function () {
  this.timeout(60_000);

  it('a reload takes a good file and refuses a broken one, keeping the plan in use', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'top-up-plan-'));
    const file = path.join(dir, 'DEF-9xx.csv');
    const sample = fs.readFileSync(
      path.join(path.dirname(require.resolve('@tender/plugin-top-up/package.json')), 'numbering-plan', 'numbering-plan.csv'),
      'utf8',
    );
    fs.writeFileSync(file, sample);
    fs.writeFileSync(path.join(dir, 'DEF-9xx.meta.json'), JSON.stringify({ source: 'Минцифры России, DEF-9xx.csv (test copy)', date: '2026-12-01' }));
    const t = await startTestGateway({
      plugins: [sandboxPlugin, topUpPlugin],
      dashboard: false,
      env: { ...TOP_UP_TEST_OPTIONS, TENDER_PLUGIN_TOP_UP_NUMBERING_PLAN_FILE: file },
    });
    const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    try {
      const { id } = await t.createMerchant('Top-ups');
      await putTopUpSettings(t.gateway.app, topUpSettings(id)).expect(200);
      const open = (phone: string) => request(t.gateway.app).post('/plugins/top-up/api/top-ups').send({ phone, amount: 1000 });
      assert.equal((await open('+79991230001').expect(400)).body.error.code, 'top_up_operator_unknown');

      fs.writeFileSync(file, `${sample.trimEnd()}\n999;1000000;1999999;1000000;ПАО "Мобильные ТелеСистемы";Test;7740000076\n`);
      const reloaded = (await request(t.gateway.app).post('/admin/v1/top-up/numbering-plan/reload').set(auth).expect(200)).body;
      assert.deepEqual([reloaded.ranges, reloaded.date], [9, '2026-12-01']);
      await open('+79991230001').expect(201);

      fs.writeFileSync(file, `${sample.trimEnd()}\n999;oops\n`);
      assert.match((await request(t.gateway.app).post('/admin/v1/top-up/numbering-plan/reload').set(auth).expect(400)).body.error.message, /line 10/);
      assert.equal((await request(t.gateway.app).get('/admin/v1/top-up/numbering-plan').set(auth).expect(200)).body.ranges, 9, 'the old plan stays in use');
      await open('+79991230002').expect(201);
      await request(t.gateway.app).post('/admin/v1/top-up/numbering-plan/reload').expect(401);
    } finally {
      await t.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mobile top-up: top-ups opened per address', function () {
  this.timeout(60_000);

  it('refuses an address that opened too many top-ups, leaving no top-up behind', async () => {
    const t = await startTestGateway({
      plugins: [sandboxPlugin, topUpPlugin],
      dashboard: false,
      env: { ...TOP_UP_TEST_OPTIONS, TENDER_PLUGIN_TOP_UP_CREATES_PER_ADDRESS_PER_HOUR: '2' },
    });
    try {
      const { id } = await t.createMerchant('Top-ups');
      await putTopUpSettings(t.gateway.app, topUpSettings(id)).expect(200);
      const open = () => request(t.gateway.app).post('/plugins/top-up/api/top-ups').send({ phone: TOP_UP_NUMBERS.accepts, amount: 1000 });
      // Refusals do not count: three bad numbers first.
      for (let i = 0; i < 3; i++) await request(t.gateway.app).post('/plugins/top-up/api/top-ups').send({ phone: 'nope', amount: 1000 }).expect(400);
      await open().expect(201);
      await open().expect(201);
      assert.equal((await open().expect(429)).body.error.code, 'rate_limited');
      assert.equal((await t.gateway.db('top_ups')).length, 2);
      assert.equal((await t.gateway.db('payments')).length, 2);
    } finally {
      await t.close();
    }
  });
});
