import assert from 'node:assert/strict';
import request from 'supertest';
import Ajv from 'ajv';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as savedCardsPlugin } from '@tender/plugin-saved-cards';
import { createSaleorPlugin } from '@tender/plugin-saleor';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { RowCounter } from '../support/row-counts';
import { FakeSaleor, SALEOR_RESPONSE_SCHEMAS } from '../support/saleor-fixtures';
import { installSaleorStore } from '../support/saleor-store-setup';
import { cardMethod } from '../support/saved-cards';

const PATHS: Record<string, string> = {
  TRANSACTION_INITIALIZE_SESSION: 'transaction-initialize-session',
  LIST_STORED_PAYMENT_METHODS: 'list-stored-payment-methods',
  STORED_PAYMENT_METHOD_DELETE_REQUESTED: 'stored-payment-method-delete-requested',
};

/**
 * Saved cards through the Saleor app: Saleor's stored payment methods are the
 * saved-cards plugin's cards of the Tender customer the Saleor user maps to. A real
 * gateway with both plugins; FakeSaleor stands in for the stores (Saleor cannot run
 * here): it serves their JWKS, and the payloads are signed with its test key. The
 * buyer's card is confirmed over the API (the hosted page's consent box is the
 * saved-cards plugin's own tests).
 */
describe('Saleor app: stored payment methods (saved cards)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let storeA: FakeSaleor;
  let storeB: FakeSaleor;
  let shopA: MerchantClient;
  let shopB: MerchantClient;
  const ajv = new Ajv({ allErrors: true, strict: false });
  let seq = 0;
  const anna = { id: 'VXNlcjox' };
  const boris = { id: 'VXNlcjoy' };

  before(async () => {
    storeA = await new FakeSaleor().start();
    storeB = await new FakeSaleor().start();
    t = await startTestGateway({
      plugins: [sandboxPlugin, savedCardsPlugin, createSaleorPlugin({ intervalMs: 60_000 })],
      env: { TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' },
    });
    shopA = new MerchantClient(t.gateway.app, (await t.createMerchant('Saleor Shop A')).key);
    shopB = new MerchantClient(t.gateway.app, (await t.createMerchant('Saleor Shop B')).key);
    await installSaleorStore(t, shopA, storeA.apiUrl);
    await installSaleorStore(t, shopB, storeB.apiUrl);
  });
  after(async () => {
    await t.close();
    await storeA.close();
    await storeB.close();
  });

  async function hook(store: FakeSaleor, event: string, payload: unknown): Promise<Record<string, unknown>> {
    const body = JSON.stringify(payload);
    const res = await request(t.gateway.app)
      .post(`/saleor/webhooks/${PATHS[event]}`)
      .set('Content-Type', 'application/json')
      .set('saleor-api-url', store.apiUrl)
      .set('saleor-signature', store.signature(body))
      .send(body)
      .expect(200);
    const validate = ajv.compile(SALEOR_RESPONSE_SCHEMAS[event]);
    assert.ok(validate(res.body), `${event} answer ${JSON.stringify(res.body)} breaks Saleor's schema: ${ajv.errorsText(validate.errors)}`);
    return res.body as Record<string, unknown>;
  }

  function initialize(user: { id: string } | null, data: Record<string, unknown>): Record<string, unknown> {
    seq++;
    return {
      action: { amount: 12.5, currency: 'RUB', actionType: 'CHARGE' },
      transaction: { id: `VHJhbnNhY3Rpb25JdGVtOj${seq}`, pspReference: null },
      sourceObject: { __typename: 'Checkout', id: `Q2hlY2tvdXQ6${seq}`, user },
      idempotencyKey: `cards-${seq}`,
      data,
    };
  }

  const list = (store: FakeSaleor, user: { id: string }) => hook(store, 'LIST_STORED_PAYMENT_METHODS', { user, channel: { slug: 'default-channel' } });

  /** Anna saves a card in store A: the session asks to save it, the buyer pays it (confirmed over the API). */
  async function saveCard(store: FakeSaleor, shop: MerchantClient, user: { id: string }, number: string): Promise<string> {
    const init = await hook(store, 'TRANSACTION_INITIALIZE_SESSION', initialize(user, { setup_future_usage: 'on_session' }));
    assert.equal(init.result, 'CHARGE_ACTION_REQUIRED');
    const payment = (await shop.get(`/v1/payments/${String(init.pspReference)}`).expect(200)).body;
    assert.match(String(payment.customer), /^cus_/);
    assert.equal(payment.setup_future_usage, 'on_session');
    await shop.post(`/v1/payments/${payment.id}/confirm`, { payment_method: cardMethod(number) }).expect(200);
    const cards = (await shop.get(`/v1/customers/${payment.customer}/payment_methods`).expect(200)).body.data as Array<{ id: string; card: { last4: string } }>;
    const saved = cards.find((c) => c.card.last4 === number.slice(-4));
    assert.ok(saved, 'the card was saved for the customer');
    return saved.id;
  }

  it('manifest subscribes to the stored-payment-method webhooks, with the user in the session payloads', async () => {
    const manifest = (await request(t.gateway.app).get('/saleor/manifest').expect(200)).body as { webhooks: Array<{ syncEvents: string[]; query: string }> };
    const byEvent = new Map(manifest.webhooks.map((w) => [w.syncEvents[0], w.query]));
    assert.match(byEvent.get('LIST_STORED_PAYMENT_METHODS') ?? '', /ListStoredPaymentMethods \{ user \{ id \}/);
    assert.match(byEvent.get('STORED_PAYMENT_METHOD_DELETE_REQUESTED') ?? '', /paymentMethodId/);
    assert.match(byEvent.get('TRANSACTION_INITIALIZE_SESSION') ?? '', /on Checkout \{ id user \{ id \} \}/);
  });

  it("lists the user's saved cards in Saleor's shape: brand, last digits, expiry, never more", async () => {
    assert.deepEqual(await list(storeA, anna), { paymentMethods: [] }, 'a user with no customer yet has none');
    const pm = await saveCard(storeA, shopA, anna, CARDS.visa);
    const listed = await list(storeA, anna);
    const year = new Date().getUTCFullYear() + 3;
    assert.deepEqual(listed, {
      paymentMethods: [
        {
          id: pm,
          supportedPaymentFlows: ['INTERACTIVE'],
          type: 'Credit Card',
          name: 'visa 4242',
          creditCardInfo: { brand: 'visa', lastDigits: '4242', expMonth: 12, expYear: year },
        },
      ],
    });
    assert.equal(JSON.stringify(listed).includes('424242'), false, 'never the PAN or the BIN');
    assert.deepEqual(await list(storeA, boris), { paymentMethods: [] }, "another user sees none of Anna's cards");
    assert.deepEqual(await list(storeB, anna), { paymentMethods: [] }, "the same user id in another merchant's store is another customer");
    const mapping = await t.gateway.db('saleor_customers').where({ saleor_user_id: anna.id });
    assert.equal(mapping.length, 1);
  });

  it('pays with a saved card at once (buyer present) and answers CHARGE_SUCCESS', async () => {
    const [first] = (await list(storeA, anna)).paymentMethods as Array<{ id: string }>;
    const init = await hook(storeA, 'TRANSACTION_INITIALIZE_SESSION', initialize(anna, { payment_method: first.id }));
    assert.equal(init.result, 'CHARGE_SUCCESS');
    assert.equal(init.amount, 12.5);
    const payment = (await shopA.get(`/v1/payments/${String(init.pspReference)}`).expect(200)).body;
    assert.equal(payment.status, 'captured');
    assert.equal(payment.payment_method, first.id);
    assert.equal(payment.off_session, false);
    const link = await t.gateway.db('saleor_transactions').where({ payment_id: payment.id }).first();
    assert.equal(link.reported_status, 'captured', 'Saleor heard the result in the answer; the reporter will not repeat it');
  });

  it("refuses another user's, another merchant's or a made-up card, and a guest checkout, with nothing written", async () => {
    const borisCard = await saveCard(storeA, shopA, boris, CARDS.mastercard);
    const otherMerchantCard = await saveCard(storeB, shopB, { id: 'VXNlcjoz' }, CARDS.visa);
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    const attempts: Array<[{ id: string } | null, string, RegExp]> = [
      [anna, borisCard, /payment_method_customer_mismatch/],
      [anna, otherMerchantCard, /resource_not_found/],
      [anna, 'pm_doesnotexist', /resource_not_found/],
      [{ id: 'VXNlcjo0' }, borisCard, /resource_not_found/],
      [null, borisCard, /parameter_missing/],
    ];
    for (const [user, pm, code] of attempts) {
      const refused = await hook(storeA, 'TRANSACTION_INITIALIZE_SESSION', initialize(user, { payment_method: pm }));
      assert.equal(refused.result, 'CHARGE_FAILURE', `${user?.id} paying with ${pm}`);
      assert.match(String(refused.message), code);
    }
    const bad = await hook(storeA, 'TRANSACTION_INITIALIZE_SESSION', initialize(anna, { payment_method: "pm_'; drop" }));
    assert.match(String(bad.message), /parameter_invalid/);
    // Deleting another user's or merchant's card: refused, the card and its vault row stay.
    for (const [store, user, pm] of [
      [storeA, anna, borisCard],
      [storeA, anna, otherMerchantCard],
      [storeB, anna, borisCard],
    ] as const) {
      const answer = await hook(store, 'STORED_PAYMENT_METHOD_DELETE_REQUESTED', { user, paymentMethodId: pm, channel: { slug: 'default-channel' } });
      assert.equal(answer.result, 'FAILED_TO_DELETE');
    }
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
    assert.equal((await t.gateway.db('customer_payment_methods').where({ id: borisCard }).first()).status, 'active');
  });

  it("deletes the user's card on STORED_PAYMENT_METHOD_DELETE_REQUESTED: the vault row is gone", async () => {
    const [card] = (await list(storeA, anna)).paymentMethods as Array<{ id: string }>;
    const row = await t.gateway.db('customer_payment_methods').where({ id: card.id }).first();
    assert.ok(await t.gateway.db('card_vault').where({ id: row.vault_id }).first());
    const answer = await hook(storeA, 'STORED_PAYMENT_METHOD_DELETE_REQUESTED', { user: anna, paymentMethodId: card.id, channel: { slug: 'default-channel' } });
    assert.deepEqual(answer, { result: 'SUCCESSFULLY_DELETED' });
    assert.equal(await t.gateway.db('card_vault').where({ id: row.vault_id }).first(), undefined);
    assert.deepEqual(await list(storeA, anna), { paymentMethods: [] });
    const again = await hook(storeA, 'STORED_PAYMENT_METHOD_DELETE_REQUESTED', { user: anna, paymentMethodId: card.id, channel: { slug: 'default-channel' } });
    assert.equal(again.result, 'FAILED_TO_DELETE');
    const pay = await hook(storeA, 'TRANSACTION_INITIALIZE_SESSION', initialize(anna, { payment_method: card.id }));
    assert.equal(pay.result, 'CHARGE_FAILURE');
  });

  it('refuses an unsigned or forged stored-payment-method request, with nothing deleted', async () => {
    const body = JSON.stringify({ user: boris, paymentMethodId: 'pm_x', channel: { slug: 'default-channel' } });
    await request(t.gateway.app)
      .post('/saleor/webhooks/stored-payment-method-delete-requested')
      .set('Content-Type', 'application/json')
      .set('saleor-api-url', storeA.apiUrl)
      .send(body)
      .expect(401);
    await request(t.gateway.app)
      .post('/saleor/webhooks/list-stored-payment-methods')
      .set('Content-Type', 'application/json')
      .set('saleor-api-url', storeA.apiUrl)
      .set('saleor-signature', storeB.signature(body))
      .send(body)
      .expect(401);
  });
});
