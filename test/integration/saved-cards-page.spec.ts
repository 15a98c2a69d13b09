import assert from 'node:assert/strict';
import request from 'supertest';
import { Express } from 'express';
import { TestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { RowCounter } from '../support/row-counts';
import { expiry, islandOf, pageTokenOf } from '../support/hosted-page';
import { createCustomer, saveCardViaApi, startSavedCardsGateway } from '../support/saved-cards';

/** The island of a payment's page, fetched as a browser would (the page frames it). */
async function islandOfPayment(app: Express, paymentUrl: string, locale?: string): Promise<string> {
  const page = request(app).get(`/pay/${pageTokenOf(paymentUrl)}`);
  if (locale !== undefined) page.set('Accept-Language', locale);
  return islandOf(app, (await page.expect(200)).text);
}

/** A form of the island by its id: its action and one-time token. */
function form(html: string, id: string): { action: string; token: string } {
  const m =
    new RegExp(`<form[^>]*action="([^"]+)"[^>]*id="${id}"[\\s\\S]*?name="form_token" value="([0-9A-Za-z]+)"`).exec(html) ??
    new RegExp(`<form[^>]*id="${id}"[^>]*action="([^"]+)"[\\s\\S]*?name="form_token" value="([0-9A-Za-z]+)"`).exec(html);
  if (m === null) throw new Error(`no form #${id} in:\n${html.slice(0, 3000)}`);
  return { action: m[1].replace(/&amp;/g, '&'), token: m[2] };
}

describe('saved cards on the hosted page: the consent checkbox and one click', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let other: MerchantClient;

  const payOnPage = async (app: Express, paymentUrl: string, fields: Record<string, string>, forwardedFor = '203.0.113.7') => {
    const html = await islandOfPayment(app, paymentUrl);
    const f = form(html, 'card-form');
    return request(app)
      .post(f.action)
      .set('X-Forwarded-For', forwardedFor)
      .type('form')
      .send({ form_token: f.token, number: CARDS.visa, expiry: expiry(), cvc: '123', holder_name: 'Ann Buyer', ...fields });
  };

  before(async () => {
    t = await startSavedCardsGateway({ env: { TENDER_PAGE_SUBMITS_PER_IP_PER_MINUTE: '1000', TENDER_TRUST_PROXY: 'loopback' } });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Tea House')).key);
    other = new MerchantClient(t.gateway.app, (await t.createMerchant('Other Shop')).key);
  });
  after(() => t.close());

  it('shows no checkbox and no saved cards when the payment names no customer', async () => {
    const p = await shop.createPayment({ amount: 1000 });
    const html = await islandOfPayment(t.gateway.app, String(p.payment_url));
    assert.equal(html.includes('id="save-card"'), false);
    assert.equal(html.includes('id="saved-card-form"'), false);
  });

  it('saves the card when the buyer ticks the box: consent with time, IP, locale and text version', async () => {
    const customer = await createCustomer(shop);
    const p = await shop.createPayment({ amount: 1000, customer, locale: 'ru' });
    const html = await islandOfPayment(t.gateway.app, String(p.payment_url));
    assert.match(html, /<input type="checkbox" id="save-card" name="save_card" value="yes">/, 'never ticked in advance');
    assert.match(html, /Сохранить карту для быстрой оплаты/);
    const res = await payOnPage(t.gateway.app, String(p.payment_url), { save_card: 'yes' });
    assert.ok(res.status === 303 || res.status === 302, `${res.status} ${res.text.slice(0, 300)}`);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'captured');
    const cards = (await shop.get(`/v1/customers/${customer}/payment_methods`).expect(200)).body.data;
    assert.equal(cards.length, 1);
    assert.equal(cards[0].usage, 'on_session');
    assert.equal(cards[0].consent.source, 'hosted_page');
    assert.equal(cards[0].consent.text_version, '2026-12-01');
    assert.equal(cards[0].consent.ip, '203.0.113.7');
    const consent = await t.gateway.db('card_consents').where({ payment_id: p.id }).first();
    assert.equal(consent.locale, 'ru');
    assert.equal(Boolean(consent.granted), true);
    assert.ok(Number(consent.recorded_at) > 0);
  });

  it('asks for off_session consent when the merchant does, and saves nothing when the box stays unticked', async () => {
    const customer = await createCustomer(shop);
    const p = await shop.createPayment({ amount: 1000, customer, setup_future_usage: 'off_session', locale: 'en' });
    const html = await islandOfPayment(t.gateway.app, String(p.payment_url));
    assert.match(html, /allow this shop to charge it later without asking me again/);
    const res = await payOnPage(t.gateway.app, String(p.payment_url), {});
    assert.ok(res.status === 303 || res.status === 302, `${res.status}`);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'captured');
    assert.deepEqual((await shop.get(`/v1/customers/${customer}/payment_methods`).expect(200)).body.data, []);
    const consent = await t.gateway.db('card_consents').where({ payment_id: p.id }).first();
    assert.equal(Boolean(consent.granted), false);
  });

  it('pays in one click with a saved card: the page lists brand, last 4 and expiry only', async () => {
    const customer = await createCustomer(shop);
    const { pm } = await saveCardViaApi(shop, customer, CARDS.mastercard, 'on_session');
    const p = await shop.createPayment({ amount: 2500, customer });
    const html = await islandOfPayment(t.gateway.app, String(p.payment_url));
    assert.match(html, /id="saved-card-form"/);
    assert.match(html, new RegExp(`value="${pm}"`));
    assert.match(html, /•••• 4444/);
    assert.equal(html.includes('5555555555554444'), false);
    const f = form(html, 'saved-card-form');
    const res = await request(t.gateway.app).post(f.action).type('form').send({ form_token: f.token, payment_method: pm });
    assert.ok(res.status === 303 || res.status === 302, `${res.status} ${res.text.slice(0, 500)}`);
    const paid = (await shop.get(`/v1/payments/${p.id}`).expect(200)).body;
    assert.equal(paid.status, 'captured');
    assert.equal(paid.payment_method, pm);
    assert.equal(paid.off_session, false);
  });

  it("refuses another customer's or another merchant's card posted to the one-click form, and writes nothing", async () => {
    const customer = await createCustomer(shop);
    await saveCardViaApi(shop, customer, CARDS.visa, 'on_session');
    const stranger = await createCustomer(shop);
    const strangersPm = (await saveCardViaApi(shop, stranger, CARDS.mir, 'on_session')).pm;
    const theirs = await createCustomer(other);
    const theirPm = (await saveCardViaApi(other, theirs, CARDS.visa, 'on_session')).pm;
    const p = await shop.createPayment({ amount: 2500, customer });
    for (const [pm, code] of [
      [strangersPm, 'payment_method_customer_mismatch'],
      [theirPm, 'resource_not_found'],
    ] as const) {
      const html = await islandOfPayment(t.gateway.app, String(p.payment_url));
      const f = form(html, 'saved-card-form');
      const counter = await RowCounter.of(t.gateway.db);
      const before = await counter.counts();
      const res = await request(t.gateway.app).post(f.action).type('form').send({ form_token: f.token, payment_method: pm });
      const shown = res.status === 303 || res.status === 302 ? (await request(t.gateway.app).get(String(res.headers.location)).expect(200)).text : res.text;
      const island = shown.includes('payment-island') ? await islandOf(t.gateway.app, shown) : shown;
      assert.match(island, new RegExp(`data-code="${code}"`), island.slice(0, 2000));
      const changed = RowCounter.changed(before, await counter.counts()).filter((c) => !c.startsWith('page_form_tokens') && !c.startsWith('attempt'));
      assert.deepEqual(changed, []);
      assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'pending');
    }
  });
});

describe('saved cards on the hosted page with requireCvc', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;

  before(async () => {
    t = await startSavedCardsGateway({ env: { TENDER_PAGE_SUBMITS_PER_IP_PER_MINUTE: '1000', TENDER_PLUGIN_SAVED_CARDS_REQUIRE_CVC: 'true' } });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Strict Shop')).key);
  });
  after(() => t.close());

  it('asks the CVC again: without it the part shows payment_method_cvc_required and nothing is charged; with it the card pays', async () => {
    const customer = await createCustomer(shop);
    const { pm } = await saveCardViaApi(shop, customer, CARDS.visa, 'on_session');
    const p = await shop.createPayment({ amount: 700, customer });
    let html = await islandOfPayment(t.gateway.app, String(p.payment_url));
    assert.match(html, /id="saved-card-cvc"/);
    let f = form(html, 'saved-card-form');
    const refused = await request(t.gateway.app).post(f.action).type('form').send({ form_token: f.token, payment_method: pm });
    const shown =
      refused.status === 303 || refused.status === 302 ? (await request(t.gateway.app).get(String(refused.headers.location)).expect(200)).text : refused.text;
    const island = shown.includes('payment-island') ? await islandOf(t.gateway.app, shown) : shown;
    assert.match(island, /Enter the card's security code|payment_method_cvc_required/);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'pending');
    assert.equal((await t.gateway.db('bank_operations').where({ payment_id: p.id })).length, 0);
    html = await islandOfPayment(t.gateway.app, String(p.payment_url));
    f = form(html, 'saved-card-form');
    await request(t.gateway.app).post(f.action).type('form').send({ form_token: f.token, payment_method: pm, cvc: '123' });
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'captured');
  });

  it('merchant-initiated payments need no CVC even with requireCvc', async () => {
    const customer = await createCustomer(shop);
    const { pm } = await saveCardViaApi(shop, customer, CARDS.visa, 'off_session');
    const res = await shop
      .post('/v1/payments', { amount: 700, currency: 'RUB', order_id: 'mit-no-cvc', customer, payment_method: pm, off_session: true, confirm: true })
      .expect(201);
    assert.equal(res.body.status, 'captured');
  });
});
