import assert from 'node:assert/strict';
import request from 'supertest';
import { BankRegistry, FixedClock } from '@tender/core';
import { SandboxBankAdapter } from '@tender/adapter-sandbox';
import { TestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { RowCounter } from '../support/row-counts';
import { SmtpCapture } from '../support/smtp-capture';
import { cardMethod, createCustomer, passChallenge, saveCardViaApi, startSavedCardsGateway } from '../support/saved-cards';

const FAST_MAIL = { TENDER_NOTIFY_POLL_MS: '20', TENDER_EMAIL_RETRY_BASE_MS: '20', TENDER_EMAIL_RETRY_MAX_MS: '100' };
/** The sandbox's card whose issuer asks for authentication on every payment, merchant-initiated ones included. */
const ALWAYS_AUTHENTICATE = '4000002760003184';
/** A CVC no id or amount in these tests contains, to look for it everywhere afterwards. */
const SECRET_CVC = '8251';

describe('saved cards over the API: saving, merchant-initiated payments, refusals', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let clock: FixedClock;
  let smtp: SmtpCapture;
  let shop: MerchantClient;
  let other: MerchantClient;
  let merchantId: string;

  const mit = (customer: string, pm: unknown, extra: Record<string, unknown> = {}) =>
    shop.post('/v1/payments', {
      amount: 4900,
      currency: 'RUB',
      order_id: `mit-${Math.random().toString(36).slice(2)}`,
      customer,
      payment_method: pm,
      off_session: true,
      confirm: true,
      ...extra,
    });

  before(async () => {
    clock = new FixedClock(Date.now());
    smtp = new SmtpCapture();
    const smtpUrl = await smtp.start();
    t = await startSavedCardsGateway({
      clock,
      captureLogs: true,
      env: { ...FAST_MAIL, TENDER_SMTP_URL: smtpUrl, TENDER_MAIL_FROM: 'Tender <no-reply@pay.tender.test>' },
    });
    t.gateway.startBackgroundJobs();
    const m = await t.createMerchant('Book Shop');
    merchantId = m.id;
    shop = new MerchantClient(t.gateway.app, m.key);
    other = new MerchantClient(t.gateway.app, (await t.createMerchant('Other Shop')).key);
  });
  after(async () => {
    await t.close();
    await smtp.stop();
  });

  it('saves the card of a paid payment with setup_future_usage: a pm_ with brand, last 4, expiry, its own vault row, the consent and payment_method.attached', async () => {
    const customer = await createCustomer(shop);
    const { payment, pm } = await saveCardViaApi(shop, customer, CARDS.visa, 'off_session');
    assert.equal(payment.status, 'captured');
    assert.equal(payment.customer, customer);
    assert.equal(payment.setup_future_usage, 'off_session');
    const got = await shop.get(`/v1/payment_methods/${pm}`).expect(200);
    assert.equal(got.body.object, 'payment_method');
    assert.equal(got.body.type, 'card');
    assert.equal(got.body.customer, customer);
    assert.equal(got.body.usage, 'off_session');
    assert.deepEqual(got.body.card, { brand: 'visa', last4: '4242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3 });
    assert.equal(got.body.consent.source, 'api');
    assert.equal(JSON.stringify(got.body).includes('424242424242'), false, 'never the PAN');
    const row = await t.gateway.db('customer_payment_methods').where({ id: pm }).first();
    const paymentRow = await t.gateway
      .db('payments')
      .where({ id: payment.id as string })
      .first();
    assert.notEqual(row.vault_id, paymentRow!.card_token, 'the saved card has its own vault row');
    assert.ok(await t.gateway.db('card_vault').where({ id: row.vault_id }).first());
    assert.equal(row.first_payment_id, payment.id);
    const attached = await t.gateway.db('events').where({ merchant_id: merchantId, type: 'payment_method.attached', object_id: pm });
    assert.equal(attached.length, 1);
  });

  it('saves the same card once per customer (by fingerprint), widening on_session to off_session', async () => {
    const customer = await createCustomer(shop);
    const first = await saveCardViaApi(shop, customer, CARDS.mastercard, 'on_session');
    assert.equal((await shop.get(`/v1/payment_methods/${first.pm}`).expect(200)).body.usage, 'on_session');
    const second = await saveCardViaApi(shop, customer, CARDS.mastercard, 'off_session');
    assert.equal(second.pm, first.pm);
    const list = await shop.get(`/v1/customers/${customer}/payment_methods`).expect(200);
    assert.equal(list.body.data.length, 1);
    assert.equal(list.body.data[0].usage, 'off_session');
    assert.equal((await t.gateway.db('events').where({ type: 'payment_method.attached', object_id: first.pm })).length, 1);
  });

  it('saves nothing for a payment without setup_future_usage, or one that the bank declines', async () => {
    const customer = await createCustomer(shop);
    const plain = await shop.createPayment({ amount: 1000, customer });
    await shop.post(`/v1/payments/${plain.id}/confirm`, { payment_method: cardMethod(CARDS.visa) }).expect(200);
    const declined = await shop.createPayment({ amount: 1000, customer, setup_future_usage: 'off_session' });
    await shop.post(`/v1/payments/${declined.id}/confirm`, { payment_method: cardMethod(CARDS.doNotHonor) });
    assert.equal((await shop.get(`/v1/payments/${declined.id}`).expect(200)).body.status, 'declined');
    assert.deepEqual((await shop.get(`/v1/customers/${customer}/payment_methods`).expect(200)).body.data, []);
  });

  it('charges a saved card merchant-initiated in one request: captured, marked to the bank as a stored credential with the first reference', async () => {
    const customer = await createCustomer(shop);
    const { pm, payment: first } = await saveCardViaApi(shop, customer, CARDS.visa, 'off_session');
    const res = await mit(customer, pm).expect(201);
    assert.equal(res.body.status, 'captured');
    assert.equal(res.body.off_session, true);
    assert.equal(res.body.payment_method, pm);
    assert.equal(res.body.customer, customer);
    assert.equal(res.body.card.last4, '4242');
    const firstRow = await t.gateway
      .db('payments')
      .where({ id: first.id as string })
      .first();
    assert.match(String(firstRow!.network_reference), /^sbxnt_/);
    // What the sandbox bank was told: the first payment stored the card (cardholder, first), the charge is merchant-initiated with the first reference and no CVC.
    const sandbox = t.gateway.container.resolve(BankRegistry).get('sandbox') as SandboxBankAdapter;
    const told = (id: string) => sandbox.authorizations().filter((a) => a.paymentId === id);
    assert.deepEqual(
      told(first.id as string).map((a) => [a.initiator, a.sequence, a.cvcGiven]),
      [['cardholder', 'first', true]],
    );
    assert.deepEqual(
      told(res.body.id as string).map((a) => ({
        initiator: a.initiator,
        sequence: a.sequence,
        reason: a.reason,
        originalReference: a.originalReference,
        cvcGiven: a.cvcGiven,
        last4: a.last4,
      })),
      [
        {
          initiator: 'merchant',
          sequence: 'subsequent',
          reason: 'unscheduled',
          originalReference: firstRow!.network_reference,
          cvcGiven: false,
          last4: '4242',
        },
      ],
    );
    const saved = await t.gateway.db('customer_payment_methods').where({ id: pm }).first();
    assert.equal(saved.network_reference, firstRow!.network_reference);
    // The reference string and the object form are the same method.
    const objectForm = await mit(customer, { type: 'saved_card', saved_card: { id: pm } }).expect(201);
    assert.equal(objectForm.body.status, 'captured');
    // Refunds of a merchant-initiated payment work like any other.
    await shop.post('/v1/refunds', { payment_id: res.body.id, amount: 100 }).expect(201);
  });

  it('sends a merchant-initiated payment the issuer wants authenticated (4000 0027 6000 3184) to requires_action, e-mails the customer its page, and the buyer finishes it there', async () => {
    const customer = await createCustomer(shop, { email: 'renewals@example.com', name: 'Renew Me' });
    // Saving it needs the buyer's authentication too: the first payment is finished on its page.
    const first = await shop
      .post('/v1/payments', {
        amount: 1000,
        currency: 'RUB',
        order_id: 'save-3184',
        customer,
        setup_future_usage: 'off_session',
        confirm: true,
        payment_method: cardMethod(ALWAYS_AUTHENTICATE),
      })
      .expect(201);
    assert.equal(first.body.status, 'requires_action');
    await passChallenge(t.gateway.app, first.body.payment_url as string);
    assert.equal((await shop.get(`/v1/payments/${first.body.id}`).expect(200)).body.status, 'captured');
    const pm = (await shop.get(`/v1/customers/${customer}/payment_methods`).expect(200)).body.data[0].id as string;
    const from = smtp.messages.length;
    const res = await mit(customer, pm, { amount: 12345 }).expect(201);
    assert.equal(res.body.status, 'requires_action');
    const mail = await smtp.waitFor(/^Confirm your payment of RUB.123\.45 to Book Shop$/, from);
    assert.equal(mail.to, 'renewals@example.com');
    assert.ok(mail.text.includes(res.body.payment_url as string), mail.text);
    assert.match(mail.text, /visa •••• 3184/);
    assert.equal(mail.text.includes(ALWAYS_AUTHENTICATE), false);
    assert.equal((await t.gateway.db('events').where({ object_id: res.body.id, type: 'payment.requires_action' })).length, 1);
    // The buyer follows the link and passes the challenge: the merchant-initiated payment is captured.
    await passChallenge(t.gateway.app, res.body.payment_url as string);
    const done = (await shop.get(`/v1/payments/${res.body.id}`).expect(200)).body;
    assert.equal(done.status, 'captured');
    assert.equal(done.payment_method, pm);
  });

  it('refuses every bad merchant-initiated request with its code and writes nothing, not even the payment', async () => {
    const customer = await createCustomer(shop);
    const { pm } = await saveCardViaApi(shop, customer, CARDS.visa, 'off_session');
    const onSession = (await saveCardViaApi(shop, customer, CARDS.mastercard, 'on_session')).pm;
    const stranger = await createCustomer(shop);
    const theirCustomer = await createCustomer(other);
    const theirPm = (await saveCardViaApi(other, theirCustomer, CARDS.visa, 'off_session')).pm;
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    const cases: Array<[string, request.Test, number, string]> = [
      ["another customer's card", mit(stranger, pm), 400, 'payment_method_customer_mismatch'],
      [
        'no customer',
        shop.post('/v1/payments', { amount: 100, currency: 'RUB', order_id: 'x-1', payment_method: pm, confirm: true }),
        400,
        'payment_method_customer_mismatch',
      ],
      ['an on_session card off session', mit(customer, onSession), 400, 'payment_method_off_session_not_allowed'],
      ["another merchant's pm", mit(customer, theirPm), 404, 'resource_not_found'],
      ["another merchant's customer", mit(theirCustomer, pm), 404, 'resource_not_found'],
      ['an unknown pm', mit(customer, 'pm_doesnotexist000000000000'), 404, 'resource_not_found'],
      ['a malformed pm', mit(customer, 'pm_../../x'), 400, 'parameter_invalid'],
      ['a malformed customer', mit('cus_<script>', pm), 400, 'parameter_invalid'],
      ['a hostile order id', mit(customer, pm, { order_id: 'A\u202Egpj' }), 400, 'parameter_invalid'],
      ['hostile metadata', mit(customer, pm, { metadata: { 'k\u0000': 'v' } }), 400, 'parameter_invalid'],
      ['a bad CVC', mit(customer, { type: 'saved_card', saved_card: { id: pm, cvc: '12a' } }), 400, 'card_cvc_invalid'],
      ['an unknown field in the saved card', mit(customer, { type: 'saved_card', saved_card: { id: pm, number: CARDS.visa } }), 400, 'parameter_unknown'],
    ];
    for (const [what, req, status, code] of cases) {
      const res = await req;
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code, what);
    }
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
  });

  it('refuses an expired saved card (payment_method_expired) with nothing written, and stops offering it', async () => {
    const customer = await createCustomer(shop);
    const now = new Date(clock.now());
    const thisMonth = { exp_month: now.getUTCMonth() + 1, exp_year: now.getUTCFullYear() };
    const { pm } = await saveCardViaApi(shop, customer, CARDS.mastercard, 'off_session', thisMonth);
    const jump = Date.UTC(thisMonth.exp_year, thisMonth.exp_month, 1) + 1000 - clock.now();
    try {
      // To the first day of the month after the expiry month.
      clock.advance(jump);
      const counter = await RowCounter.of(t.gateway.db);
      const before = await counter.counts();
      const res = await mit(customer, pm);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'payment_method_expired');
      assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
    } finally {
      clock.advance(-jump);
    }
  });

  it('deletes a saved card: the card_vault row is gone, the pm answers 404 and cannot pay', async () => {
    const customer = await createCustomer(shop);
    const { pm } = await saveCardViaApi(shop, customer, CARDS.visa, 'off_session');
    const vaultId = (await t.gateway.db('customer_payment_methods').where({ id: pm }).first()).vault_id as string;
    assert.ok(await t.gateway.db('card_vault').where({ id: vaultId }).first());
    // Another merchant cannot delete it.
    assert.equal((await request(t.gateway.app).delete(`/v1/payment_methods/${pm}`).set('Authorization', `Bearer ${other.key}`)).status, 404);
    const del = await request(t.gateway.app).delete(`/v1/payment_methods/${pm}`).set('Authorization', `Bearer ${shop.key}`).expect(200);
    assert.deepEqual(del.body, { id: pm, object: 'payment_method', deleted: true });
    assert.equal(await t.gateway.db('card_vault').where({ id: vaultId }).first(), undefined);
    assert.equal((await shop.get(`/v1/payment_methods/${pm}`)).status, 404);
    assert.equal((await mit(customer, pm)).status, 404);
    assert.equal((await t.gateway.db('events').where({ type: 'payment_method.detached', object_id: pm })).length, 1);
  });

  it("erases a customer with every saved card's vault row; the export before lists cards and consents without PANs", async () => {
    const customer = await createCustomer(shop, { email: 'forget-me@example.com', name: 'Forget Me' });
    const a = await saveCardViaApi(shop, customer, CARDS.visa, 'off_session');
    const b = await saveCardViaApi(shop, customer, CARDS.mastercard, 'on_session');
    const exported = await shop.get(`/v1/customers/${customer}/export`).expect(200);
    assert.deepEqual(exported.body.payment_methods.map((m: { id: string }) => m.id).sort(), [a.pm, b.pm].sort());
    assert.equal(exported.body.consents.length, 2);
    assert.deepEqual(exported.body.payments.map((p: { id: string }) => p.id).sort(), [a.payment.id, b.payment.id].sort());
    assert.equal(/4242424242424242|5555555555554444/.test(JSON.stringify(exported.body)), false);
    const vaultIds = (await t.gateway.db('customer_payment_methods').whereIn('id', [a.pm, b.pm])).map((r: { vault_id: string }) => r.vault_id);
    await request(t.gateway.app).delete(`/v1/customers/${customer}`).set('Authorization', `Bearer ${shop.key}`).expect(200);
    assert.deepEqual(await t.gateway.db('card_vault').whereIn('id', vaultIds), []);
    assert.equal((await t.gateway.db('customer_payment_methods').whereIn('id', [a.pm, b.pm]).where({ status: 'active' })).length, 0);
    const row = await t.gateway.db('customers').where({ id: customer }).first();
    assert.equal(row.email, null);
    // A payment naming the erased customer is refused.
    assert.equal((await shop.post('/v1/payments', { amount: 100, currency: 'RUB', order_id: 'after-erase', customer })).status, 404);
  });

  it('never writes the CVC: not in any table, not in the logs', async () => {
    const customer = await createCustomer(shop);
    const created = await shop.createPayment({ amount: 1000, customer, setup_future_usage: 'off_session' });
    await shop.post(`/v1/payments/${created.id}/confirm`, { payment_method: cardMethod(CARDS.visa, { cvc: SECRET_CVC }) }).expect(200);
    const pm = (await shop.get(`/v1/customers/${customer}/payment_methods`).expect(200)).body.data[0].id as string;
    await mit(customer, { type: 'saved_card', saved_card: { id: pm, cvc: SECRET_CVC } }).expect(201);
    const counter = await RowCounter.of(t.gateway.db);
    for (const table of counter.tables) {
      for (const row of await t.gateway.db(table).select('*')) {
        for (const [column, value] of Object.entries(row as Record<string, unknown>)) {
          const text = value === null || value === undefined ? '' : Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
          assert.notEqual(text, SECRET_CVC, `${table}.${column}`);
          assert.equal(text.includes(`"${SECRET_CVC}"`), false, `${table}.${column}`);
          assert.equal(/"cvc"\s*:/.test(text), false, `${table}.${column} has a cvc field`);
        }
      }
    }
    // The CVC travels as a string: in a JSON log line it would be "8251" (numbers that merely contain the digits, a timing or a port, are not it).
    const logged = t
      .logs()
      .split('\n')
      .filter((line) => line.includes(`"${SECRET_CVC}"`) || line.includes(`=${SECRET_CVC}`) || /"cvc"\s*:/.test(line));
    assert.deepEqual(logged, [], 'the CVC is in the logs');
    assert.equal(t.logs().includes(CARDS.visa), false, 'the PAN is in the logs');
  });
});
