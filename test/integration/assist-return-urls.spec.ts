import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { createAssistPlugin } from '@tender/plugin-assist-compat';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { ASSIST, enableAssist, postForm, signOrder } from '../support/assist-shop';
import { cardFormOf, postCard, shopHmac } from '../support/hosted-page';

/** The href of the link with this id, decoded as the browser would. */
function linkOf(html: string, id: string): URL {
  const href = new RegExp(`href="([^"]+)" id="${id}"`).exec(html)?.[1];
  if (href === undefined) throw new Error(`no #${id} in page:\n${html.slice(0, 1500)}`);
  return new URL(href.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='));
}

describe('Assist URL_RETURN_OK / URL_RETURN_NO / URL_RETURN through the hosted page', () => {
  let t: TestGateway;
  let secret: string;

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, createAssistPlugin()] });
    const merchant = await t.createMerchant('Assist Return Shop');
    await enableAssist(t.gateway.app, merchant.id);
    secret = (await new MerchantClient(t.gateway.app, merchant.key).get('/v1/account').expect(200)).body.signing_secret;
  });
  after(() => t.close());

  async function openOrder(orderNumber: string, urls: Record<string, string>): Promise<string> {
    const form: Record<string, string> = {
      Merchant_ID: ASSIST.merchantId,
      OrderNumber: orderNumber,
      OrderAmount: '100.00',
      OrderCurrency: 'RUB',
      Delay: '0',
      Language: 'EN',
      ...urls,
    };
    form.Checkvalue = signOrder(form);
    const res = await postForm(t.gateway.app, '/pay/order.cfm', form).expect(303);
    return new URL(String(res.headers.location)).pathname.replace(/^\/pay\//, '');
  }

  const ALL = { URL_RETURN: 'https://shop.example/back', URL_RETURN_OK: 'https://shop.example/ok?o=1', URL_RETURN_NO: 'https://shop.example/no' };

  it('sends a paid buyer to URL_RETURN_OK, signed like any return', async () => {
    const token = await openOrder('RET-OK', ALL);
    assert.equal((await postCard(t.gateway.app, token, CARDS.visa)).status, 303);
    const url = linkOf((await request(t.gateway.app).get(`/pay/${token}`).expect(200)).text, 'return-link');
    assert.equal(url.origin + url.pathname, 'https://shop.example/ok');
    assert.equal(url.searchParams.get('o'), '1');
    assert.equal(url.searchParams.get('status'), 'captured');
    const id = url.searchParams.get('payment_id') ?? '';
    assert.equal(url.searchParams.get('signature'), shopHmac(secret, `${id}\nRET-OK\ncaptured`));
  });

  it('sends a declined buyer who gives up to URL_RETURN_NO', async () => {
    const token = await openOrder('RET-NO', ALL);
    assert.equal((await postCard(t.gateway.app, token, CARDS.insufficientFunds)).status, 303);
    const url = linkOf((await cardFormOf(t.gateway.app, token)).html, 'cancel-link');
    assert.equal(url.origin + url.pathname, 'https://shop.example/no');
    assert.equal(url.searchParams.get('status'), 'declined');
  });

  it('falls back to URL_RETURN when the per-outcome URL is missing', async () => {
    const token = await openOrder('RET-BACK', { URL_RETURN: ALL.URL_RETURN, URL_RETURN_OK: ALL.URL_RETURN_OK });
    // Before paying (the cancel link) the outcome is a failure: URL_RETURN_NO is missing, so URL_RETURN.
    assert.equal(linkOf((await cardFormOf(t.gateway.app, token)).html, 'cancel-link').pathname, '/back');
    assert.equal((await postCard(t.gateway.app, token, CARDS.visa)).status, 303);
    assert.equal(linkOf((await request(t.gateway.app).get(`/pay/${token}`).expect(200)).text, 'return-link').pathname, '/ok');
  });
});
