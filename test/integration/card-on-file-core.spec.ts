import assert from 'node:assert/strict';
import request from 'supertest';
import { z } from 'zod';
import { BankRegistry, CardVault, FixedClock, MethodPartAddon, PaymentMethod, PaymentService, definePlugin } from '@tender/core';
import { ApiKeyService } from '@tender/core/dist/merchants/api-keys';
import { BankReconciler } from '@tender/core/dist/payments/bank-reconciler';
import { SandboxBankAdapter, plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { cardFormOf, expiry, islandOf, pageTokenOf } from '../support/hosted-page';
import { RowCounter } from '../support/row-counts';
import { STORED_EVENT_TYPES, StoredMethodPlugin, addCustomer, storeCard, storedMethodPlugin } from '../support/stored-method-plugin';

/**
 * Issue 20, core's part: the generic extension points a card-on-file plugin builds
 * on (customers directory, payment references, create-and-confirm, stored
 * credentials to the bank, network references, method-part add-ons, plugin event
 * types, vault delete, findIn), exercised through a stand-in plugin
 * (support/stored-method-plugin.ts) that uses only @tender/core's public surface.
 * The bank is the sandbox adapter (in-process, as in every test-mode payment).
 */
describe('card on file: core extension points', function () {
  let t: TestGateway;
  let shop: MerchantClient;
  let merchantId: string;
  let counter: RowCounter;
  let stored: StoredMethodPlugin;
  const clock = new FixedClock(Date.now());
  const sandbox = (): SandboxBankAdapter => t.gateway.container.resolve(BankRegistry).get('sandbox') as SandboxBankAdapter;
  const vault = (): CardVault => t.gateway.container.resolve(CardVault);
  const order = (): string => `order-${Math.random().toString(36).slice(2)}`;
  const base = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ amount: 150000, currency: 'RUB', order_id: order(), ...extra });
  const toldFor = (paymentId: string) =>
    sandbox()
      .authorizations()
      .filter((a) => a.paymentId === paymentId);

  /** A refused request: the status and code, and not one row written anywhere. */
  async function refusedWithNothingWritten(body: Record<string, unknown>, status: number, code: string, param?: string, key?: string): Promise<void> {
    const before = await counter.counts();
    const res = await shop.post('/v1/payments', body, key).expect(status);
    assert.equal(res.body.error.code, code, JSON.stringify(res.body));
    if (param !== undefined) assert.equal(res.body.error.param, param);
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
  }

  before(async () => {
    stored = storedMethodPlugin();
    t = await startTestGateway({
      clock,
      plugins: [sandboxPlugin, accountsPlugin, stored.plugin],
      env: { TENDER_LIVE_TEST_CARDS: 'refuse', TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' },
    });
    const merchant = await t.createMerchant('Card On File Shop');
    merchantId = merchant.id;
    shop = new MerchantClient(t.gateway.app, merchant.key);
    counter = await RowCounter.of(t.gateway.db);
  });
  after(() => t.close());

  describe('POST /v1/payments: customer, setup_future_usage, off_session, confirm, payment_method', () => {
    it('keeps the customer and setup_future_usage on a payment created without confirming, shown in the payment', async () => {
      const customer = await addCustomer(t.gateway.db, merchantId);
      const created = (await shop.post('/v1/payments', base({ customer, setup_future_usage: 'off_session' })).expect(201)).body;
      assert.equal(created.status, 'pending');
      assert.equal(created.customer, customer);
      assert.equal(created.setup_future_usage, 'off_session');
      assert.equal(created.off_session, false);
      assert.equal(created.payment_method, null);
      const row = await t.gateway.db('payments').where({ id: created.id }).first();
      assert.equal(row!.customer_id, customer);
      assert.equal(Boolean(row!.off_session), false);
    });

    it('refuses each bad combination with nothing written', async () => {
      const customer = await addCustomer(t.gateway.db, merchantId);
      await refusedWithNothingWritten(base({ setup_future_usage: 'off_session' }), 400, 'parameter_missing', 'customer');
      await refusedWithNothingWritten(base({ setup_future_usage: 'sometimes', customer }), 400, 'parameter_invalid', 'setup_future_usage');
      await refusedWithNothingWritten(base({ off_session: true, confirm: true, ...card(CARDS.visa) }), 400, 'parameter_missing', 'customer');
      await refusedWithNothingWritten(base({ off_session: true, customer, ...card(CARDS.visa) }), 400, 'parameter_invalid', 'confirm');
      await refusedWithNothingWritten(base(card(CARDS.visa)), 400, 'parameter_invalid', 'confirm');
      await refusedWithNothingWritten(base({ confirm: true }), 400, 'parameter_missing', 'payment_method');
      await refusedWithNothingWritten(base({ customer: 'cus_<script>' }), 400, 'parameter_invalid', 'customer');
      await refusedWithNothingWritten(base({ confirm: 'yes', ...card(CARDS.visa) }), 400, 'parameter_invalid', 'confirm');
    });

    it("refuses a customer the directory does not know, or another merchant's, as not found, with nothing written", async () => {
      await refusedWithNothingWritten(base({ customer: 'cus_nobody' }), 404, 'resource_not_found');
      const other = await t.createMerchant('Other Shop');
      const foreign = await addCustomer(t.gateway.db, other.id);
      await refusedWithNothingWritten(base({ customer: foreign }), 404, 'resource_not_found');
      // The same merchant's customer, but of live mode, is not a test-mode customer.
      const liveCustomer = await addCustomer(t.gateway.db, merchantId, true);
      await refusedWithNothingWritten(base({ customer: liveCustomer }), 404, 'resource_not_found');
    });

    it('creates and confirms a card payment in one request', async () => {
      const res = (await shop.post('/v1/payments', base({ confirm: true, ...card(CARDS.visa) })).expect(201)).body;
      assert.equal(res.status, 'captured');
      assert.equal(res.card.last4, '4242');
      assert.match(res.payment_url, /\/pay\//);
      const events = await t.gateway.db('events').where({ object_id: res.id }).orderBy('seq');
      assert.deepEqual(events.map((e: { type: string }) => e.type).slice(0, 1), ['payment.created']);
      assert.ok(events.some((e: { type: string }) => e.type === 'payment.captured'));
      const told = toldFor(res.id);
      assert.equal(told.length, 1);
      assert.equal(told[0]?.initiator, undefined, 'no stored credential when nothing is saved');
      const row = await t.gateway.db('payments').where({ id: res.id }).first();
      assert.match(String(row!.network_reference), /^sbxnt_[0-9a-f]{16}$/);
    });

    it('writes nothing when the card, the method or the route is refused on create-and-confirm', async () => {
      await refusedWithNothingWritten(base({ confirm: true, ...card('4242424242424241') }), 400, 'card_number_invalid', 'payment_method.card.number');
      await refusedWithNothingWritten(base({ confirm: true, payment_method: { type: 'nope', nope: {} } }), 400, 'payment_method_unsupported');
      await refusedWithNothingWritten(base({ confirm: true, payment_method: 'zz_123' }), 400, 'parameter_invalid', 'payment_method');
      await refusedWithNothingWritten(base({ confirm: true, payment_method: 'not a reference' }), 400, 'parameter_invalid', 'payment_method');
    });

    it('refuses a live create-and-confirm with a sandbox test card (card_test_number_live), writing nothing', async () => {
      await t.gateway.db('merchants').where({ id: merchantId }).update({ stage: 'live', live_at: clock.now() });
      const key = await t.gateway.container.resolve(ApiKeyService).issue(t.gateway.db, { merchantId, livemode: true, kind: 'secret' });
      const live = new MerchantClient(t.gateway.app, key.key);
      const before = await counter.counts();
      const res = await live.post('/v1/payments', base({ confirm: true, ...card(CARDS.visa) })).expect(400);
      assert.equal(res.body.error.code, 'card_test_number_live');
      assert.doesNotMatch(JSON.stringify(res.body), /4242424242424242/);
      assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
      // No route: live, and the merchant has no bank connection; refused after the instrument was built, before anything is written.
      const noRoute = await live.post('/v1/payments', base({ confirm: true, ...card('4111111111111111') })).expect(502);
      assert.equal(noRoute.body.error.code, 'no_bank_connection');
      assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
      // Through the confirm endpoint too: the payment stays pending, no card kept.
      const pending = (await live.post('/v1/payments', base()).expect(201)).body;
      const confirm = await live.post(`/v1/payments/${pending.id}/confirm`, card(CARDS.threeDSecure)).expect(400);
      assert.equal(confirm.body.error.code, 'card_test_number_live');
      assert.equal((await live.get(`/v1/payments/${pending.id}`).expect(200)).body.status, 'pending');
      assert.equal(
        await t.gateway
          .db('card_vault')
          .where({ merchant_id: merchantId, livemode: true })
          .count({ n: '*' })
          .first()
          .then((r) => Number(r?.n)),
        0,
      );
    });

    it('answers a retried create-and-confirm (same Idempotency-Key) with the same payment, charged once', async () => {
      const body = base({ confirm: true, ...card(CARDS.mastercard) });
      const first = (await shop.post('/v1/payments', body, 'cof-retry-1').expect(201)).body;
      const again = (await shop.post('/v1/payments', body, 'cof-retry-1').expect(201)).body;
      assert.equal(again.id, first.id);
      assert.equal(again.status, 'captured');
      assert.equal(
        await t.gateway
          .db('payments')
          .where({ order_id: String(body.order_id) })
          .count({ n: '*' })
          .first()
          .then((r) => Number(r?.n)),
        1,
      );
      assert.equal(
        await t.gateway
          .db('bank_operations')
          .where({ payment_id: first.id })
          .count({ n: '*' })
          .first()
          .then((r) => Number(r?.n)),
        1,
      );
      // The service's own replay (a lost answer whose key the API layer no longer holds) is the same payment.
      const replay = await t.gateway.container
        .resolve(PaymentService)
        .create(
          { merchantId, livemode: false },
          { amount: 150000, currency: 'RUB', order_id: String(body.order_id), capture_method: 'automatic' },
          'cof-retry-1',
        );
      assert.equal(replay.id, first.id);
    });

    it('tells the bank the card is stored for the first time when the payment saves it', async () => {
      const customer = await addCustomer(t.gateway.db, merchantId);
      const res = (await shop.post('/v1/payments', base({ customer, setup_future_usage: 'off_session', confirm: true, ...card(CARDS.visa) })).expect(201)).body;
      assert.equal(res.status, 'captured');
      assert.equal(res.setup_future_usage, 'off_session');
      const told = toldFor(res.id)[0];
      assert.equal(told?.initiator, 'cardholder');
      assert.equal(told?.sequence, 'first');
      assert.equal(told?.cvcGiven, true);
    });
  });

  describe('payment references (PaymentMethod.referencePrefix)', () => {
    it("charges a stored card merchant-initiated: off_session, no CVC, the first payment's network reference, kept on the payment", async () => {
      const customer = await addCustomer(t.gateway.db, merchantId);
      const first = (
        await shop.post('/v1/payments', base({ customer, setup_future_usage: 'off_session', confirm: true, ...card(CARDS.threeDSecure) })).expect(201)
      ).body;
      // 3220 challenges the buyer-present (API: the page) payment; a merchant-initiated one later is not challenged.
      assert.equal(first.status, 'requires_action');
      const saved = await storeCard(t.gateway.db, vault(), {
        merchantId,
        customerId: customer,
        pan: CARDS.threeDSecure,
        networkReference: 'sbxnt_0123456789abcdef',
      });
      const res = (await shop.post('/v1/payments', base({ customer, off_session: true, confirm: true, payment_method: saved.id })).expect(201)).body;
      assert.equal(res.status, 'captured');
      assert.equal(res.off_session, true);
      assert.equal(res.customer, customer);
      assert.equal(res.payment_method, saved.id);
      assert.equal(res.card.last4, '3220');
      const told = toldFor(res.id)[0];
      assert.deepEqual(
        { initiator: told?.initiator, sequence: told?.sequence, reason: told?.reason, originalReference: told?.originalReference, cvcGiven: told?.cvcGiven },
        { initiator: 'merchant', sequence: 'subsequent', reason: 'unscheduled', originalReference: 'sbxnt_0123456789abcdef', cvcGiven: false },
      );
      const row = await t.gateway.db('payments').where({ id: res.id }).first();
      assert.equal(row!.payment_method_id, saved.id);
      assert.match(String(row!.network_reference), /^sbxnt_[0-9a-f]{16}$/);
      // The listener read the payment inside the event's transaction (findIn): captured, with its network reference.
      assert.ok(stored.seen.some((s) => s.event === 'payment.captured' && s.status === 'captured' && s.networkReference === row!.network_reference));
    });

    it('the same reference as the method object (type and { id }) is the same thing', async () => {
      const customer = await addCustomer(t.gateway.db, merchantId);
      const saved = await storeCard(t.gateway.db, vault(), { merchantId, customerId: customer, pan: CARDS.visa });
      const res = (
        await shop
          .post('/v1/payments', base({ customer, confirm: true, payment_method: { type: 'stored_test_card', stored_test_card: { id: saved.id, cvc: '123' } } }))
          .expect(201)
      ).body;
      assert.equal(res.status, 'captured');
      assert.equal(res.payment_method, saved.id);
      const told = toldFor(res.id)[0];
      assert.deepEqual([told?.initiator, told?.sequence, told?.cvcGiven], ['cardholder', 'subsequent', true]);
    });

    it('the confirm endpoint takes a reference string', async () => {
      const customer = await addCustomer(t.gateway.db, merchantId);
      const saved = await storeCard(t.gateway.db, vault(), { merchantId, customerId: customer, pan: CARDS.mastercard });
      const pending = (await shop.post('/v1/payments', base({ customer })).expect(201)).body;
      const res = (await shop.post(`/v1/payments/${pending.id}/confirm`, { payment_method: saved.id }).expect(200)).body;
      assert.equal(res.status, 'captured');
      assert.equal(res.payment_method, saved.id);
      const bad = await shop.post(`/v1/payments/${(await shop.createPayment()).id}/confirm`, { payment_method: 'zz_nothing' }).expect(400);
      assert.equal(bad.body.error.code, 'parameter_invalid');
    });

    it("refuses another customer's stored card, an unknown one and another merchant's, with nothing written", async () => {
      const customer = await addCustomer(t.gateway.db, merchantId);
      const someoneElse = await addCustomer(t.gateway.db, merchantId);
      const theirs = await storeCard(t.gateway.db, vault(), { merchantId, customerId: someoneElse, pan: CARDS.visa });
      await refusedWithNothingWritten(base({ customer, off_session: true, confirm: true, payment_method: theirs.id }), 400, 'payment_method_customer_mismatch');
      await refusedWithNothingWritten(base({ customer, off_session: true, confirm: true, payment_method: 'tpm_doesnotexist' }), 404, 'resource_not_found');
      const other = await t.createMerchant('Foreign Cards');
      const foreignCustomer = await addCustomer(t.gateway.db, other.id);
      const foreign = await storeCard(t.gateway.db, vault(), { merchantId: other.id, customerId: foreignCustomer, pan: CARDS.visa });
      await refusedWithNothingWritten(base({ customer, off_session: true, confirm: true, payment_method: foreign.id }), 404, 'resource_not_found');
      const onSessionOnly = await storeCard(t.gateway.db, vault(), { merchantId, customerId: customer, pan: CARDS.visa, usage: 'on_session' });
      await refusedWithNothingWritten(
        base({ customer, off_session: true, confirm: true, payment_method: onSessionOnly.id }),
        400,
        'payment_method_off_session_not_allowed',
      );
    });

    it('sends a merchant-initiated payment the issuer wants authenticated to requires_action, and its payment_url shows the 3-D Secure challenge', async () => {
      const customer = await addCustomer(t.gateway.db, merchantId);
      const saved = await storeCard(t.gateway.db, vault(), {
        merchantId,
        customerId: customer,
        pan: '4000002760003184',
        networkReference: 'sbxnt_fedcba9876543210',
      });
      const res = (await shop.post('/v1/payments', base({ customer, off_session: true, confirm: true, payment_method: saved.id })).expect(201)).body;
      assert.equal(res.status, 'requires_action');
      assert.equal(toldFor(res.id)[0]?.initiator, 'merchant');
      const types = (await t.gateway.db('events').where({ object_id: res.id }).orderBy('seq')).map((e: { type: string }) => e.type);
      assert.ok(types.includes('payment.requires_action'), types.join(', '));
      // The buyer follows the link (an e-mail from the plugin) and passes the challenge on the hosted page.
      const token = pageTokenOf(res.payment_url);
      const challenge = await request(t.gateway.app).get(`/pay/${token}`).expect(200);
      const creq = /name="creq" value="([^"]+)"/.exec(challenge.text)?.[1] ?? '';
      const notification = /name="notification_url" value="([^"]+)"/.exec(challenge.text)?.[1] ?? '';
      assert.notEqual(creq, '');
      await request(t.gateway.app).post('/sandbox/3ds/challenge').type('form').send({ creq, notification_url: notification }).expect(200);
      const answer = await request(t.gateway.app)
        .post('/sandbox/3ds/answer')
        .type('form')
        .send({ creq, notification_url: notification, code: '123456' })
        .expect(200);
      const cres = /name="cres" value="([^"]+)"/.exec(answer.text)?.[1] ?? '';
      await request(t.gateway.app).post(notification).type('form').send({ cres }).expect(303);
      const done = (await shop.get(`/v1/payments/${res.id}`).expect(200)).body;
      assert.equal(done.status, 'captured');
      assert.deepEqual(done.three_d_secure, { eci: '05', status: 'Y' });
      const row = await t.gateway.db('payments').where({ id: res.id }).first();
      assert.match(String(row!.network_reference), /^sbxnt_[0-9a-f]{16}$/, "the completed authentication's approval keeps its network reference");
    });
  });

  describe('method-part add-ons on the hosted page', () => {
    it('shows the add-on inside the card form before the pay button only when its context says so, escaped', async () => {
      const customer = await addCustomer(t.gateway.db, merchantId);
      const withCustomer = (await shop.post('/v1/payments', base({ customer, description: '<img src=x onerror=alert(1)>' })).expect(201)).body;
      const form = await cardFormOf(t.gateway.app, pageTokenOf(withCustomer.payment_url));
      const consent = form.html.indexOf('id="tsm-consent"');
      assert.ok(consent > 0, 'the consent add-on is in the card form');
      assert.ok(consent < form.html.indexOf('id="pay-button"'), 'before the pay button');
      assert.ok(form.html.indexOf('id="card-form"') < consent);
      assert.match(form.html, /Save this card for later payments/);
      assert.doesNotMatch(form.html, /<img src=x/);
      assert.match(form.html, /&lt;img src&#x3D;x onerror&#x3D;alert\(1\)&gt;/);
      const without = await shop.createPayment();
      const plain = await cardFormOf(t.gateway.app, pageTokenOf(String(without.payment_url)));
      assert.doesNotMatch(plain.html, /tsm-consent/);
      const ru = await request(t.gateway.app)
        .get(`/pay/${pageTokenOf(withCustomer.payment_url)}`)
        .set('Accept-Language', 'ru')
        .expect(200);
      assert.ok(ru.text.length > 0);
    });

    it("records the buyer's consent in the confirm transaction and saves the card as the first stored credential", async () => {
      const customer = await addCustomer(t.gateway.db, merchantId);
      const payment = (await shop.post('/v1/payments', base({ customer })).expect(201)).body;
      const form = await cardFormOf(t.gateway.app, pageTokenOf(payment.payment_url));
      await request(t.gateway.app)
        .post(form.action)
        .type('form')
        .set('X-Forwarded-For', '203.0.113.9')
        .send({ form_token: form.token, number: CARDS.visa, expiry: expiry(), cvc: '123', holder_name: 'Ann Buyer', save_card: 'off_session' })
        .expect(303);
      const done = (await shop.get(`/v1/payments/${payment.id}`).expect(200)).body;
      assert.equal(done.status, 'captured');
      assert.equal(done.setup_future_usage, 'off_session');
      const consents = await t.gateway.db('tsm_consents').where({ payment_id: payment.id });
      assert.equal(consents.length, 1);
      const op = await t.gateway.db('bank_operations').where({ payment_id: payment.id }).first();
      assert.equal(consents[0].operation_id, op!.id);
      assert.deepEqual([toldFor(payment.id)[0]?.initiator, toldFor(payment.id)[0]?.sequence], ['cardholder', 'first']);
    });

    it('without the box ticked: no consent, nothing saved, an ordinary payment', async () => {
      const customer = await addCustomer(t.gateway.db, merchantId);
      const payment = (await shop.post('/v1/payments', base({ customer })).expect(201)).body;
      const form = await cardFormOf(t.gateway.app, pageTokenOf(payment.payment_url));
      await request(t.gateway.app)
        .post(form.action)
        .type('form')
        .send({ form_token: form.token, number: CARDS.visa, expiry: expiry(), cvc: '123' })
        .expect(303);
      assert.equal((await t.gateway.db('tsm_consents').where({ payment_id: payment.id })).length, 0);
      assert.equal((await shop.get(`/v1/payments/${payment.id}`).expect(200)).body.setup_future_usage, null);
      assert.equal(toldFor(payment.id)[0]?.initiator, undefined);
    });

    it("an add-on's refusal shows the part again with nothing written", async () => {
      const customer = await addCustomer(t.gateway.db, merchantId);
      const payment = (await shop.post('/v1/payments', base({ customer })).expect(201)).body;
      const form = await cardFormOf(t.gateway.app, pageTokenOf(payment.payment_url));
      const before = await counter.counts();
      const res = await request(t.gateway.app)
        .post(form.action)
        .type('form')
        .send({ form_token: form.token, number: CARDS.visa, expiry: expiry(), cvc: '123', save_card: 'refuse-me' });
      assert.equal(res.status, 400);
      assert.match(await islandOf(t.gateway.app, res.text), /id="card-form"[\s\S]*id="form-alert"/);
      // The one-time form token was spent (as for every refused post); nothing else changed.
      const changed = RowCounter.changed(before, await counter.counts()).filter((c) => !c.startsWith('page_form_tokens'));
      assert.deepEqual(changed, []);
      assert.equal((await shop.get(`/v1/payments/${payment.id}`).expect(200)).body.status, 'pending');
    });
  });

  describe('network references and verification', () => {
    it('keeps the network reference of an approval the reconciler found by inquiry', async () => {
      const p = await shop.pay(CARDS.timeout);
      assert.equal(p.status, 'processing');
      assert.equal(await t.gateway.container.resolve(BankReconciler).run(-1), 1);
      const row = await t.gateway.db('payments').where({ id: p.id }).first();
      assert.equal(row!.status, 'captured');
      assert.match(String(row!.network_reference), /^sbxnt_[0-9a-f]{16}$/);
    });

    it('asks the bank only to verify the card when the confirm says so (a setup charging nothing), which the caller voids', async () => {
      const payments = t.gateway.container.resolve(PaymentService);
      const ctx = { merchantId, livemode: false };
      const customer = await addCustomer(t.gateway.db, merchantId);
      const created = await payments.create(ctx, {
        amount: 100,
        currency: 'RUB',
        order_id: order(),
        capture_method: 'manual',
        customer,
        setup_future_usage: 'off_session',
      });
      const verified = await payments.confirm(ctx, created.id, card(CARDS.visa).payment_method as never, undefined, {
        buyerPresent: false,
        verification: true,
      });
      assert.equal(verified.status, 'authorized');
      const told = toldFor(created.id)[0];
      assert.deepEqual([told?.verification, told?.initiator, told?.sequence], [true, 'cardholder', 'first']);
      assert.equal((await payments.cancel(ctx, created.id)).status, 'canceled');
    });
  });

  describe('plugin event types, vault delete', () => {
    it("lets webhook endpoints subscribe to a plugin's event types by name and pattern; unknown ones stay refused", async () => {
      for (const events of [[STORED_EVENT_TYPES[0]], ['tsm_customer.*'], ['payment.captured', 'tsm_customer.deleted']]) {
        const created = await shop.post('/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/hooks', events });
        assert.equal(created.status, 201, JSON.stringify(created.body));
      }
      for (const events of [['tsm_nothing.created'], ['nothing.*'], ['<b>.x']]) {
        const res = await shop.post('/v1/webhook_endpoints', { url: 'https://shop.example/hooks', events }).expect(400);
        assert.equal(res.body.error.param, 'events.0');
      }
    });

    it('deletes a vault row for good, scoped by merchant and mode', async () => {
      const customer = await addCustomer(t.gateway.db, merchantId);
      const saved = await storeCard(t.gateway.db, vault(), { merchantId, customerId: customer, pan: CARDS.visa });
      assert.equal(await vault().delete(t.gateway.db, saved.vaultId, 'mer_someoneelse', false), false);
      assert.equal(await vault().delete(t.gateway.db, saved.vaultId, merchantId, true), false);
      assert.equal(await vault().reveal(saved.vaultId, merchantId, false), CARDS.visa);
      assert.equal(await vault().delete(t.gateway.db, saved.vaultId, merchantId, false), true);
      assert.equal(await t.gateway.db('card_vault').where({ id: saved.vaultId }).first(), undefined);
      assert.equal(await vault().reveal(saved.vaultId, merchantId, false), undefined);
      assert.equal(await vault().delete(t.gateway.db, saved.vaultId, merchantId, false), false);
      // A payment with the deleted card is refused before anything is written.
      await refusedWithNothingWritten(base({ customer, off_session: true, confirm: true, payment_method: saved.id }), 404, 'resource_not_found');
    });
  });
});

describe('card on file: a gateway without a customer directory', function () {
  let t: TestGateway;
  let shop: MerchantClient;
  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin], dashboard: false });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
  });
  after(() => t.close());

  it('refuses customer as an unknown parameter with nothing written, and refuses references no method claims', async () => {
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    const res = await shop.post('/v1/payments', { amount: 1000, currency: 'RUB', order_id: 'no-dir', customer: 'cus_123' }).expect(400);
    assert.equal(res.body.error.code, 'parameter_unknown');
    assert.equal(res.body.error.param, 'customer');
    const ref = await shop.post('/v1/payments', { amount: 1000, currency: 'RUB', order_id: 'no-ref', confirm: true, payment_method: 'pm_123' }).expect(400);
    assert.equal(ref.body.error.code, 'parameter_invalid');
    assert.equal(ref.body.error.param, 'payment_method');
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
  });

  it('refuses a plugin event type for webhook endpoints when no plugin registered it', async () => {
    const res = await shop.post('/v1/webhook_endpoints', { url: 'https://shop.example/hooks', events: ['tsm_customer.created'] }).expect(400);
    assert.equal(res.body.error.param, 'events.0');
  });
});

describe('card on file: registrations the gateway refuses at start', function () {
  const refusedStart = async (setup: Parameters<typeof definePlugin>[0]['setup'], why: RegExp): Promise<void> => {
    const bad = definePlugin({ name: '@tender-test/plugin-bad-cof', version: '0.0.1', coreRange: '^0.1.0', setup });
    await assert.rejects(startTestGateway({ plugins: [sandboxPlugin, bad], dashboard: false }), why);
  };
  const addon = (overrides: Partial<MethodPartAddon> = {}): MethodPartAddon => ({
    name: 'bad-cof-box',
    methods: ['card'],
    fields: ['box'],
    template: '<input name="box">',
    messages: { en: {}, ru: {}, ar: {} },
    context: async () => ({}),
    submission: async () => ({}),
    ...overrides,
  });

  it('a second customer directory', async () => {
    await refusedStart((ctx) => {
      ctx.registerCustomerDirectory({ exists: async () => true });
      ctx.registerCustomerDirectory({ exists: async () => true });
    }, /a customer directory is registered already/);
  });

  it("an event type that is core's, malformed, or registered twice", async () => {
    await refusedStart((ctx) => ctx.registerEventTypes(['payment.captured']), /event type 'payment.captured' is registered already/);
    await refusedStart((ctx) => ctx.registerEventTypes(['Customer Created']), /must be lower-case <object>.<what>/);
    await refusedStart((ctx) => ctx.registerEventTypes(['thing.done', 'thing.done']), /registered already/);
  });

  it('an add-on that prints a value unescaped, is not named after its plugin, lacks a locale, or takes the form token', async () => {
    await refusedStart((ctx) => ctx.registerMethodPartAddon(addon({ template: '<p>{{{addon.html}}}</p>' })), /raw output/);
    await refusedStart((ctx) => ctx.registerMethodPartAddon(addon({ name: 'someone-else-box' })), /must be named after its plugin/);
    await refusedStart(
      (ctx) => ctx.registerMethodPartAddon(addon({ messages: { en: {}, ru: {} } as MethodPartAddon['messages'] })),
      /no texts for the locale 'ar'/,
    );
    await refusedStart((ctx) => ctx.registerMethodPartAddon(addon({ fields: ['form_token'] })), /form_token/);
  });

  it('a reference prefix two methods claim', async () => {
    const method = (type: string): PaymentMethod => ({
      type,
      referencePrefix: 'dup',
      input: z.object({ id: z.string() }),
      capability: 'card_authorization',
      instrument: async () => {
        throw new Error('not used');
      },
    });
    await refusedStart((ctx) => {
      ctx.registerPaymentMethod(method('first_kind'));
      ctx.registerPaymentMethod(method('second_kind'));
    }, /two payment methods claim the reference prefix 'dup'/);
  });
});
