import assert from 'node:assert/strict';
import request from 'supertest';
import { BankRegistry, FixedClock, PaymentService } from '@tender/core';
import { SandboxBankAdapter } from '@tender/adapter-sandbox';
import { TestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { RowCounter } from '../support/row-counts';
import { SmtpCapture } from '../support/smtp-capture';
import { expiry, islandOf, pageTokenOf } from '../support/hosted-page';
import { eventually } from '../support/webhook-receiver';
import { EXPIRY_NOTICES, ExpiryNotices } from '@tender/plugin-saved-cards';
import { cardMethod, createCustomer, saveCardViaApi, startSavedCardsGateway } from '../support/saved-cards';

const FAST_MAIL = { TENDER_NOTIFY_POLL_MS: '20', TENDER_EMAIL_RETRY_BASE_MS: '20', TENDER_EMAIL_RETRY_MAX_MS: '100' };
const DAY = 86_400_000;

describe('saved cards: setup without charging, and expiry notices', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let clock: FixedClock;
  let smtp: SmtpCapture;
  let shop: MerchantClient;
  let merchantId: string;

  before(async () => {
    // Mid-month, so "this month" and "next month" are clear-cut.
    const now = new Date();
    clock = new FixedClock(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 15, 12));
    smtp = new SmtpCapture();
    const smtpUrl = await smtp.start();
    t = await startSavedCardsGateway({
      clock,
      env: {
        ...FAST_MAIL,
        TENDER_SMTP_URL: smtpUrl,
        TENDER_MAIL_FROM: 'Tender <no-reply@pay.tender.test>',
        TENDER_PAGE_SUBMITS_PER_IP_PER_MINUTE: '1000',
        TENDER_PLUGIN_SAVED_CARDS_EXPIRY_SCAN_INTERVAL_MS: '86400000',
        TENDER_PLUGIN_SAVED_CARDS_SETUP_SWEEP_INTERVAL_MS: '200',
      },
    });
    t.gateway.startBackgroundJobs();
    const m = await t.createMerchant('Gym Club');
    merchantId = m.id;
    shop = new MerchantClient(t.gateway.app, m.key);
  });
  after(async () => {
    await t?.close();
    await smtp.stop();
  });

  it('verifies and saves a card without charging it: a verification authorization voided at once', async () => {
    const customer = await createCustomer(shop);
    const res = await shop.post('/v1/setup_attempts', { customer, currency: 'RUB', usage: 'off_session', payment_method: cardMethod(CARDS.visa) }).expect(201);
    assert.match(res.body.id, /^seti_/);
    assert.equal(res.body.object, 'setup_attempt');
    assert.equal(res.body.status, 'succeeded', JSON.stringify(res.body));
    assert.match(res.body.payment_method, /^pm_/);
    assert.equal(res.body.setup_url, null);
    const payment = (await shop.get(`/v1/payments/${res.body.payment}`).expect(200)).body;
    assert.equal(payment.status, 'canceled', 'voided, never captured');
    assert.equal(payment.amount_captured, 0);
    const sandbox = t.gateway.container.resolve(BankRegistry).get('sandbox') as SandboxBankAdapter;
    assert.deepEqual(
      sandbox
        .authorizations()
        .filter((a) => a.paymentId === res.body.payment)
        .map((a) => [a.verification, a.capture]),
      [[true, false]],
    );
    const card = (await shop.get(`/v1/payment_methods/${res.body.payment_method}`).expect(200)).body;
    assert.equal(card.usage, 'off_session');
    // It pays merchant-initiated afterwards.
    const charged = await shop
      .post('/v1/payments', {
        amount: 2990,
        currency: 'RUB',
        order_id: 'after-setup',
        customer,
        payment_method: res.body.payment_method,
        off_session: true,
        confirm: true,
      })
      .expect(201);
    assert.equal(charged.body.status, 'captured');
    assert.deepEqual((await shop.get(`/v1/setup_attempts/${res.body.id}`).expect(200)).body, res.body);
  });

  it("reports a declined verification as failed with the bank's code, saving nothing", async () => {
    const customer = await createCustomer(shop);
    const res = await shop.post('/v1/setup_attempts', { customer, currency: 'RUB', payment_method: cardMethod(CARDS.doNotHonor) }).expect(201);
    assert.equal(res.body.status, 'failed');
    assert.equal(res.body.payment_method, null);
    assert.ok(res.body.failure_code !== null);
    assert.deepEqual((await shop.get(`/v1/customers/${customer}/payment_methods`).expect(200)).body.data, []);
  });

  it('refuses a bad setup request with nothing written', async () => {
    const customer = await createCustomer(shop);
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ customer, currency: 'RUB', payment_method: cardMethod('4242424242424241') }, 400, 'card_number_invalid'],
      [{ customer, currency: 'RUB', payment_method: cardMethod(CARDS.visa, { exp_year: 2001 }) }, 400, 'card_expiry_invalid'],
      [{ customer, currency: 'XXX' }, 400, 'currency_unsupported'],
      [{ customer: 'cus_nosuchcustomer0000000', currency: 'RUB' }, 404, 'resource_not_found'],
      [{ customer, currency: 'RUB', usage: 'forever' }, 400, 'parameter_invalid'],
      [{ customer, currency: 'RUB', metadata: { note: 'a\u202Eb' } }, 400, 'parameter_invalid'],
      [{ customer, currency: 'RUB', amount: 100 }, 400, 'parameter_unknown'],
    ];
    for (const [body, status, code] of cases) {
      const res = await shop.post('/v1/setup_attempts', body);
      assert.equal(res.status, status, `${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code, JSON.stringify(body));
    }
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
  });

  it('sets up on the hosted page: the buyer enters the card and ticks the box, the approval is voided by the sweep', async () => {
    const customer = await createCustomer(shop);
    const res = await shop.post('/v1/setup_attempts', { customer, currency: 'RUB', usage: 'off_session', locale: 'en' }).expect(201);
    assert.equal(res.body.status, 'requires_payment_method');
    assert.match(res.body.setup_url, /\/pay\//);
    const island = await islandOf(
      t.gateway.app,
      (
        await request(t.gateway.app)
          .get(`/pay/${pageTokenOf(res.body.setup_url as string)}`)
          .expect(200)
      ).text,
    );
    assert.match(island, /allow this shop to charge it later/);
    const token = /id="card-form"[\s\S]*?name="form_token" value="([0-9A-Za-z]+)"/.exec(island)?.[1];
    const action = /<form[^>]*action="([^"]+)"[^>]*id="card-form"/.exec(island)?.[1];
    assert.ok(token !== undefined && action !== undefined);
    await request(t.gateway.app)
      .post(action.replace(/&amp;/g, '&'))
      .type('form')
      .send({ form_token: token, number: CARDS.mastercard, expiry: expiry(), cvc: '123', holder_name: 'Ann Buyer', save_card: 'yes' });
    // The sweep (every 200 ms here) voids the approval, or the read does; while the sweep holds the claim the read says processing.
    let setup = (await shop.get(`/v1/setup_attempts/${res.body.id}`).expect(200)).body;
    await eventually(async () => {
      setup = (await shop.get(`/v1/setup_attempts/${res.body.id}`).expect(200)).body;
      return setup.status !== 'processing';
    }, 'the setup settled');
    assert.equal(setup.status, 'succeeded', JSON.stringify(setup));
    assert.match(setup.payment_method, /^pm_/);
    assert.equal((await shop.get(`/v1/payments/${setup.payment}`).expect(200)).body.status, 'canceled');
    setup = (await shop.get(`/v1/setup_attempts/${res.body.id}`).expect(200)).body;
    assert.equal(setup.status, 'succeeded');
  });

  it('gives up a hosted setup the buyer never finishes after a day: the payment is canceled, the attempt fails with setup_expired', async () => {
    const customer = await createCustomer(shop);
    const res = await shop.post('/v1/setup_attempts', { customer, currency: 'RUB' }).expect(201);
    assert.equal((await shop.get(`/v1/setup_attempts/${res.body.id}`).expect(200)).body.status, 'requires_payment_method');
    clock.advance(DAY + 1000);
    try {
      const setup = (await shop.get(`/v1/setup_attempts/${res.body.id}`).expect(200)).body;
      assert.equal(setup.status, 'failed');
      assert.equal(setup.failure_code, 'setup_expired');
      assert.equal(setup.setup_url, null);
      assert.equal((await shop.get(`/v1/payments/${res.body.payment}`).expect(200)).body.status, 'canceled');
    } finally {
      clock.advance(-(DAY + 1000));
    }
  });

  it('gives up expired setups the same way when reads race each other and the sweep: failed, setup_expired, every answer', async () => {
    // Each read settles the attempt itself, as the sweep (every 200 ms here) does: the
    // loser of the payment's cancel must answer what the winner records, not
    // 'processing' or the payment's own 'canceled'.
    const customer = await createCustomer(shop);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await shop.post('/v1/setup_attempts', { customer, currency: 'RUB' }).expect(201)).body.id as string);
    clock.advance(DAY + 1000);
    try {
      const answers = await Promise.all(ids.flatMap((id) => [1, 2, 3].map(async () => (await shop.get(`/v1/setup_attempts/${id}`).expect(200)).body)));
      for (const a of answers) assert.deepEqual([a.status, a.failure_code], ['failed', 'setup_expired'], JSON.stringify(a));
      for (const id of ids) {
        const stored = (await shop.get(`/v1/setup_attempts/${id}`).expect(200)).body;
        assert.deepEqual([stored.status, stored.failure_code], ['failed', 'setup_expired']);
      }
    } finally {
      clock.advance(-(DAY + 1000));
    }
  });

  it('leaves an expired setup open when the buyer confirms just as it is given up, and settles it once the bank answers', async () => {
    // The race: the sweep (or a read) sees the payment still waiting after the day,
    // and the buyer's confirm moves it to processing before the cancel. The cancel is
    // refused (a payment at the bank cannot be canceled); the attempt must stay open
    // for the next look, not fail while the bank may still approve. The sandbox bank
    // (a stand-in for the acquirer, outside Tender) is held until the test lets it answer.
    const customer = await createCustomer(shop);
    const res = await shop.post('/v1/setup_attempts', { customer, currency: 'RUB' }).expect(201);
    const paymentId = res.body.payment as string;
    const sandbox = t.gateway.container.resolve(BankRegistry).get('sandbox');
    assert.ok(sandbox instanceof SandboxBankAdapter);
    const payments = t.gateway.container.resolve(PaymentService);
    const authorize = sandbox.authorize.bind(sandbox);
    const cancel = payments.cancel.bind(payments);
    let answer = (): void => undefined;
    const bankAnswers = new Promise<void>((resolve) => (answer = resolve));
    let confirm: Promise<unknown> | undefined;
    let atBank: Promise<void> | undefined;
    sandbox.authorize = async (r) => {
      if (r.paymentId === paymentId) await bankAnswers;
      return authorize(r);
    };
    // Both the sweep and the read below may reach the cancel; every one of them waits
    // until the confirm is at the bank, or a second caller would cancel the payment
    // while the first one is still waiting (the race this test pins, not another).
    payments.cancel = async (ctx, id) => {
      if (id === paymentId) {
        if (atBank === undefined) {
          confirm = shop.post(`/v1/payments/${paymentId}/confirm`, card(CARDS.visa)).then((r) => r.body as unknown);
          atBank = eventually(async () => (await shop.get(`/v1/payments/${paymentId}`).expect(200)).body.status === 'processing', 'the confirm is at the bank');
        }
        await atBank;
      }
      return cancel(ctx, id);
    };
    clock.advance(DAY + 1000);
    try {
      const open = (await shop.get(`/v1/setup_attempts/${res.body.id}`).expect(200)).body;
      assert.ok(confirm !== undefined, 'the cancel met the confirm');
      assert.deepEqual([open.status, open.failure_code], ['processing', null], JSON.stringify(open));
      assert.equal((await shop.get(`/v1/payments/${paymentId}`).expect(200)).body.status, 'processing');
      answer();
      await confirm;
      // Approved at the last moment: the next look voids the approval and the setup
      // succeeds with the card the confirm saved (the setup's payment saves it).
      let settled = open;
      await eventually(async () => {
        settled = (await shop.get(`/v1/setup_attempts/${res.body.id}`).expect(200)).body;
        return settled.status !== 'processing';
      }, 'the setup settled');
      assert.deepEqual([settled.status, settled.failure_code], ['succeeded', null], JSON.stringify(settled));
      assert.match(String(settled.payment_method), /^pm_/);
      assert.equal((await shop.get(`/v1/payments/${paymentId}`).expect(200)).body.status, 'canceled');
    } finally {
      answer();
      sandbox.authorize = authorize;
      payments.cancel = cancel;
      clock.advance(-(DAY + 1000));
    }
  });

  it('records card.expiring 30 days before expiry and e-mails the customer, once, with two rounds racing', async () => {
    const customer = await createCustomer(shop, { email: 'expiring@example.com', name: 'Soon Expired' });
    const today = new Date(clock.now());
    // Expires at the end of this month: within 30 days of the 15th.
    const thisMonth = { exp_month: today.getUTCMonth() + 1, exp_year: today.getUTCFullYear() };
    const soon = (await saveCardViaApi(shop, customer, CARDS.visa, 'off_session', thisMonth)).pm;
    // Expires in three years: no notice.
    const later = (await saveCardViaApi(shop, customer, CARDS.mastercard, 'off_session')).pm;
    const from = smtp.messages.length;
    // Two rounds at once, as two gateway processes' jobs would run them: each card is claimed by one.
    const results = await Promise.all([runExpiryRound(t), runExpiryRound(t)]);
    assert.equal(
      results.reduce((a, b) => a + b, 0),
      1,
      `notified once in all: ${results.join(', ')}`,
    );
    const events = await t.gateway.db('events').where({ merchant_id: merchantId, type: 'card.expiring' });
    assert.deepEqual(
      events.map((e: { object_id: string }) => e.object_id),
      [soon],
    );
    assert.equal(
      events.some((e: { object_id: string }) => e.object_id === later),
      false,
    );
    const mail = await smtp.waitFor(/expires soon/, from);
    assert.equal(mail.to, 'expiring@example.com');
    assert.match(mail.text, /visa •••• 4242/);
    // Another round a day later sends nothing more.
    clock.advance(DAY);
    assert.equal(await runExpiryRound(t), 0);
    clock.advance(-DAY);
  });
});

/** One round of the gateway's expiry job, as its background job runs it; the cards it notified. */
async function runExpiryRound(t: TestGateway): Promise<number> {
  return (await t.gateway.container.resolve<ExpiryNotices>(EXPIRY_NOTICES).runOnce()).notified;
}
