import assert from 'node:assert/strict';
import request from 'supertest';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { pageTokenOf, postCard } from '../support/hosted-page';

describe('hosted page result: link to the buyer status page', () => {
  let t: TestGateway;
  let shop: MerchantClient;

  before(async () => {
    t = await startTestGateway();
    const m = await t.createMerchant('Status Link Shop');
    shop = new MerchantClient(t.gateway.app, m.key);
  });
  after(() => t.close());

  it('links the result view to a working status page that shows only brand and last 4', async () => {
    const p = await shop.createPayment({ return_url: 'https://shop.example/return' });
    const token = pageTokenOf(String(p.payment_url));
    assert.equal((await postCard(t.gateway.app, token, CARDS.visa)).status, 303);
    const result = await request(t.gateway.app).get(`/pay/${token}`).expect(200);
    const href = /href="([^"]+)" id="status-link"/.exec(result.text)?.[1] ?? '';
    assert.match(result.text, /Payment status page/);
    const url = new URL(href);
    assert.match(url.pathname, new RegExp(`^/status/${String(p.id)}\\.`));
    const status = await request(t.gateway.app).get(url.pathname).expect(200);
    assert.match(status.text, /Visa •••• 4242/);
    assert.doesNotMatch(status.text, /424242/);
    assert.doesNotMatch(status.text, /4242424242424242/);
    // A forged MAC opens nothing.
    await request(t.gateway.app)
      .get(`/status/${String(p.id)}.AAAA`)
      .expect(404);
  });

  it('localises the link text', async () => {
    const p = await shop.createPayment({ locale: 'ru' });
    const token = pageTokenOf(String(p.payment_url));
    assert.equal((await postCard(t.gateway.app, token, CARDS.visa)).status, 303);
    const result = await request(t.gateway.app).get(`/pay/${token}`).expect(200);
    assert.match(result.text, /id="status-link"[^>]*>Страница статуса платежа/);
  });
});
