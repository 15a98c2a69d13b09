import assert from 'node:assert/strict';
import request from 'supertest';
import { TestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { islandOf, pageTokenOf } from '../support/hosted-page';
import { createCustomer, saveCardViaApi, startSavedCardsGateway } from '../support/saved-cards';

describe('the hosted page for a recognised buyer: only their own usable saved cards, and a receipt when paid', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let other: MerchantClient;

  before(async () => {
    t = await startSavedCardsGateway();
    const merchant = await t.createMerchant('Tea House');
    // The merchant's time zone, as sign-up or the dashboard sets it: the receipt's date is in it.
    await t.gateway.db('merchants').where({ id: merchant.id }).update({ time_zone: 'Asia/Dubai' });
    shop = new MerchantClient(t.gateway.app, merchant.key);
    other = new MerchantClient(t.gateway.app, (await t.createMerchant('Other Shop')).key);
  });
  after(() => t.close());

  async function island(paymentUrl: string): Promise<string> {
    return islandOf(
      t.gateway.app,
      (
        await request(t.gateway.app)
          .get(`/pay/${pageTokenOf(paymentUrl)}`)
          .expect(200)
      ).text,
    );
  }
  const offeredIds = (html: string): string[] => [...html.matchAll(/name="payment_method" value="(pm_[0-9A-Za-z]+)"/g)].map((m) => m[1]).sort();

  it("offers the payment's own customer's cards only: never another customer's of the same shop, nor another merchant's", async () => {
    const anna = await createCustomer(shop, { email: 'anna@example.com' });
    const annasVisa = (await saveCardViaApi(shop, anna, CARDS.visa, 'on_session')).pm;
    const annasMir = (await saveCardViaApi(shop, anna, CARDS.mir, 'off_session')).pm;
    const boris = await createCustomer(shop, { email: 'boris@example.com' });
    const borisCard = (await saveCardViaApi(shop, boris, CARDS.mastercard, 'on_session')).pm;
    // Another merchant's customer with the same e-mail: a different tenant altogether.
    const theirAnna = await createCustomer(other, { email: 'anna@example.com' });
    const theirCard = (await saveCardViaApi(other, theirAnna, CARDS.mastercard, 'on_session')).pm;

    const html = await island(String((await shop.createPayment({ amount: 2500, customer: anna })).payment_url));
    assert.deepEqual(offeredIds(html), [annasMir, annasVisa].sort());
    for (const foreign of [borisCard, theirCard]) assert.equal(html.includes(foreign), false, `${foreign} is on Anna's page`);
    assert.equal(html.includes('•••• 4444'), false);
    // The saved cards lead, the card form follows ("use another card"), with brand marks from the gateway.
    assert.ok(html.indexOf('id="saved-card-form"') < html.indexOf('id="card-form"'));
    assert.match(html, /<img class="saved-card-mark" src="\/pay\/assets\/brand-mir\.svg"/);
    assert.match(html, /href="#card-number" id="saved-card-another"/);

    const borisPage = await island(String((await shop.createPayment({ amount: 2500, customer: boris })).payment_url));
    assert.deepEqual(offeredIds(borisPage), [borisCard]);
    const theirPage = await island(String((await other.createPayment({ amount: 2500, customer: theirAnna })).payment_url));
    assert.deepEqual(offeredIds(theirPage), [theirCard]);
  });

  it('does not offer a removed or an expired card; with none left the page is the card form alone', async () => {
    const customer = await createCustomer(shop);
    const removed = (await saveCardViaApi(shop, customer, CARDS.visa, 'on_session')).pm;
    const expiring = (await saveCardViaApi(shop, customer, CARDS.mir, 'on_session')).pm;
    const kept = (await saveCardViaApi(shop, customer, CARDS.mastercard, 'on_session')).pm;
    await request(t.gateway.app).delete(`/v1/payment_methods/${removed}`).set('Authorization', `Bearer ${shop.key}`).expect(200);
    // A card whose month has passed: the API never saves one, so the row is aged in place.
    const lastYear = new Date().getUTCFullYear() - 1;
    await t.gateway.db('customer_payment_methods').where({ id: expiring }).update({ exp_year: lastYear });

    const html = await island(String((await shop.createPayment({ amount: 2500, customer })).payment_url));
    assert.deepEqual(offeredIds(html), [kept]);

    await request(t.gateway.app).delete(`/v1/payment_methods/${kept}`).set('Authorization', `Bearer ${shop.key}`).expect(200);
    const none = await island(String((await shop.createPayment({ amount: 2500, customer })).payment_url));
    assert.equal(none.includes('id="saved-card-form"'), false);
    assert.equal(none.includes('class="island-or"'), false);
    assert.match(none, /id="card-form"/);
  });

  it("shows a paid payment's receipt (merchant, order, date in the merchant's zone, card, amount in the buyer's language), never \"Amount due\"", async () => {
    const created = await shop.createPayment({ amount: 249900, currency: 'RUB', order_id: 'R-77', description: 'Green tea', locale: 'ru' });
    await shop.post(`/v1/payments/${created.id}/confirm`, card(CARDS.mir)).expect(200);
    const html = (
      await request(t.gateway.app)
        .get(`/pay/${pageTokenOf(String(created.payment_url))}`)
        .expect(200)
    ).text;
    assert.equal(html.includes('К оплате'), false);
    assert.match(html, /<h2 id="receipt-title">Квитанция об оплате<\/h2>/);
    assert.match(html, /<dd id="receipt-merchant">Tea House<\/dd>/);
    assert.match(html, /<dd id="receipt-order">R-77<\/dd>/);
    assert.match(html, /<dd id="receipt-date">[^<]*2\d{3}[^<]*\(Asia\/Dubai\)<\/dd>/);
    assert.match(html, /<img src="\/pay\/assets\/brand-mir\.svg"[^>]*><span id="result-card">Mir •••• 0004<\/span>/);
    assert.match(html, /Оплачено<\/dt><dd><span class="receipt-amount" id="amount">2\u00a0499,00\u00a0₽<\/span>/);
    assert.match(html, /id="status-link" class="status-link"/);
  });

  it('a canceled payment\'s page sums the order up without a date, a card or "Amount due"', async () => {
    const created = await shop.createPayment({ amount: 1500, currency: 'KWD', order_id: 'K-1', locale: 'en' });
    await shop.post(`/v1/payments/${created.id}/cancel`, {}).expect(200);
    const html = (
      await request(t.gateway.app)
        .get(`/pay/${pageTokenOf(String(created.payment_url))}`)
        .expect(200)
    ).text;
    assert.equal(html.includes('Amount due'), false);
    assert.equal(html.includes('id="receipt-date"'), false);
    assert.equal(html.includes('id="result-card"'), false);
    assert.match(html, /Amount<\/dt><dd><span class="receipt-amount" id="amount">KWD\u00a01\.500<\/span>/);
  });
});
