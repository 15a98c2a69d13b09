import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as savedCardsPlugin } from '@tender/plugin-saved-cards';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { OperatorClient, makeLive } from '../support/operator-client';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';
import { RowCounter } from '../support/row-counts';
import { cardMethod, createCustomer, saveCardViaApi } from '../support/saved-cards';

/** A real card number that is not one of the sandbox's public test numbers (Luhn-valid). */
const REAL_CARD = '4111111111111111';

describe('saved cards: merchants and modes are isolated; live payments take no test cards', function () {
  this.timeout(60_000);
  const bank = new StandInBankAdapter();
  let t: TestGateway;
  let a: { test: MerchantClient; live: MerchantClient };
  let b: { test: MerchantClient; live: MerchantClient };

  before(async () => {
    // Refused outside production too (the default there is to allow, for tender-bank-sim).
    t = await startTestGateway({ plugins: [sandboxPlugin, standInBankPlugin(bank), savedCardsPlugin], env: { TENDER_LIVE_TEST_CARDS: 'refuse' } });
    const op = new OperatorClient(t.gateway.app);
    await op.post('/admin/v1/banks', { code: 'standin', name: 'Stand-in Bank', adapter_code: 'standin-bank', currencies: ['RUB'] }).expect(201);
    const ma = await makeLive(t.gateway.app, 'Shop A', 'standin', 'TA000001');
    const mb = await makeLive(t.gateway.app, 'Shop B', 'standin', 'TB000001');
    a = { test: new MerchantClient(t.gateway.app, ma.testKey), live: new MerchantClient(t.gateway.app, ma.liveKey) };
    b = { test: new MerchantClient(t.gateway.app, mb.testKey), live: new MerchantClient(t.gateway.app, mb.liveKey) };
  });
  after(() => t.close());

  it('saves a live card and charges it merchant-initiated: the bank is told initiator merchant, the original reference, no CVC', async () => {
    const customer = await createCustomer(a.live);
    const { pm } = await saveCardViaApi(a.live, customer, REAL_CARD, 'off_session');
    const before = bank.authorizations.length;
    const res = await a.live
      .post('/v1/payments', { amount: 5000, currency: 'RUB', order_id: 'live-mit-1', customer, payment_method: pm, off_session: true, confirm: true })
      .expect(201);
    assert.equal(res.body.status, 'captured');
    assert.equal(res.body.livemode, true);
    const sent = bank.authorizations.slice(before);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].card.storedCredential?.initiator, 'merchant');
    assert.equal(sent[0].card.storedCredential?.sequence, 'subsequent');
    assert.equal(sent[0].card.cvc, undefined);
  });

  it('refuses a sandbox test card on a live payment (card_test_number_live), saving nothing and writing nothing', async () => {
    const customer = await createCustomer(a.live);
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    const res = await a.live.post('/v1/payments', {
      amount: 5000,
      currency: 'RUB',
      order_id: 'live-test-card',
      customer,
      setup_future_usage: 'off_session',
      confirm: true,
      payment_method: cardMethod(CARDS.visa),
    });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'card_test_number_live');
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
    assert.deepEqual((await a.live.get(`/v1/customers/${customer}/payment_methods`).expect(200)).body.data, []);
  });

  it("keeps each merchant's and each mode's customers and cards apart: another's is a 404, and nothing is written", async () => {
    const testCustomer = await createCustomer(a.test);
    const testPm = (await saveCardViaApi(a.test, testCustomer, CARDS.visa, 'off_session')).pm;
    const liveCustomer = await createCustomer(a.live);
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    const refused: Array<[string, request.Test]> = [
      ['A live reads A test customer', a.live.get(`/v1/customers/${testCustomer}`)],
      ["A live lists A test customer's cards", a.live.get(`/v1/customers/${testCustomer}/payment_methods`)],
      ['A live reads A test card', a.live.get(`/v1/payment_methods/${testPm}`)],
      [
        'A live pays with A test card',
        a.live.post('/v1/payments', {
          amount: 100,
          currency: 'RUB',
          order_id: 'x-live',
          customer: liveCustomer,
          payment_method: testPm,
          off_session: true,
          confirm: true,
        }),
      ],
      ['A live pays for A test customer', a.live.post('/v1/payments', { amount: 100, currency: 'RUB', order_id: 'x-live-2', customer: testCustomer })],
      ['B test reads A customer', b.test.get(`/v1/customers/${testCustomer}`)],
      ['B test exports A customer', b.test.get(`/v1/customers/${testCustomer}/export`)],
      ['B test reads A card', b.test.get(`/v1/payment_methods/${testPm}`)],
      ['B test erases A customer', request(t.gateway.app).delete(`/v1/customers/${testCustomer}`).set('Authorization', `Bearer ${b.test.key}`)],
      ['B test deletes A card', request(t.gateway.app).delete(`/v1/payment_methods/${testPm}`).set('Authorization', `Bearer ${b.test.key}`)],
      ['B test updates A customer', b.test.post(`/v1/customers/${testCustomer}`, { name: 'Mallory' })],
      ['B test pays for A customer', b.test.post('/v1/payments', { amount: 100, currency: 'RUB', order_id: 'x-b', customer: testCustomer })],
      ['B live reads A live customer', b.live.get(`/v1/customers/${liveCustomer}`)],
      ['B test sets up A customer', b.test.post('/v1/setup_attempts', { customer: testCustomer, currency: 'RUB', payment_method: cardMethod(CARDS.visa) })],
    ];
    for (const [what, req] of refused) {
      const res = await req;
      assert.equal(res.status, 404, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'resource_not_found', what);
    }
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
    assert.equal((await a.test.get(`/v1/customers/${testCustomer}/payment_methods`).expect(200)).body.data.length, 1);
  });
});
