import assert from 'node:assert/strict';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { Browser, Page } from 'playwright-core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { launchChromium } from '../support/browser';
import { saveScreenshot } from '../support/screenshots';

/**
 * A shop page on another loopback origin (localhost:<port>) than the gateway's
 * (127.0.0.1:<port>), under a strict CSP that allows the gateway only as a script
 * and frame source. A third origin (127.0.0.1:<other port>) plays the attacker's frame.
 */
const SHOP_JS = `
const tender = Tender(document.body.dataset.key);
const card = tender.cardFields({ style: { fontSize: '16px' } }).mount({ number: '#number', expiry: '#expiry', cvc: '#cvc' });
window.changes = [];
window.messages = [];
window.addEventListener('message', (e) => window.messages.push(JSON.stringify({ origin: e.origin, data: e.data })));
const evil = document.getElementById('load-evil');
if (evil) evil.addEventListener('click', () => {
  const f = document.createElement('iframe');
  f.id = 'evil';
  f.src = document.body.dataset.evil;
  document.body.appendChild(f);
});
card.on('change', (e) => window.changes.push(e));
document.getElementById('token').addEventListener('click', async () => {
  const r = await tender.createToken(card);
  document.getElementById('out').textContent = JSON.stringify(r);
});
document.getElementById('pay').addEventListener('click', async () => {
  const r = await tender.confirmPayment(card, { clientSecret: document.body.dataset.secret });
  document.getElementById('out').textContent = JSON.stringify(r);
});
`;
const EVIL_JS = `
for (let i = 0; i < parent.frames.length; i++) {
  parent.frames[i].postMessage({ type: 'tender:submit', requestId: 'forged', mode: 'token' }, '*');
  parent.frames[i].postMessage({ type: 'tender:clear' }, '*');
}
parent.postMessage({ type: 'tender:change', field: 'cvc', complete: true, empty: false, brand: 'forged' }, '*');
parent.postMessage({ type: 'tender:result', requestId: 'forged', token: { id: 'tok_forged' } }, '*');
parent.postMessage({ type: 'evil:done' }, '*');
`;

function serve(handler: (url: URL, res: http.ServerResponse) => void): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => handler(new URL(req.url ?? '/', 'http://x'), res));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ origin: `http://localhost:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) });
    }),
  );
}

describe("embedded card fields in headless Chromium on a shop origin other than the gateway's", function () {
  this.timeout(90_000);
  let t: TestGateway;
  let gateway: string;
  let shop: MerchantClient;
  let pk: string;
  let browser: Browser;
  let shopServer: Awaited<ReturnType<typeof serve>>;
  let evilServer: Awaited<ReturnType<typeof serve>>;
  let secretForPage = '';

  before(async () => {
    t = await startTestGateway({ env: { TENDER_PAGE_SUBMITS_PER_IP_PER_MINUTE: '1000' } });
    const address = await t.gateway.listen(0, '127.0.0.1');
    gateway = `http://127.0.0.1:${address.port}`;
    const m = await t.createMerchant('Fields Coffee');
    pk = m.publishableKey;
    shop = new MerchantClient(t.gateway.app, m.key);
    evilServer = await serve((_url, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<!doctype html><script>${EVIL_JS}</script>`);
    });
    const evilOrigin = evilServer.origin.replace('localhost', '127.0.0.1');
    shopServer = await serve((url, res) => {
      if (url.pathname === '/shop.js') {
        res.setHeader('Content-Type', 'application/javascript');
        res.end(SHOP_JS);
        return;
      }
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      // The CSP docs/embedded-fields.md asks a shop for: the gateway as script and frame source, nothing inline.
      res.setHeader(
        'Content-Security-Policy',
        `default-src 'self'; script-src 'self' ${gateway}; frame-src ${gateway}${url.searchParams.has('evil') ? ` ${evilOrigin}` : ''}; style-src 'self'; connect-src 'self'`,
      );
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Coffee shop checkout</title></head>
<body data-key="${pk}" data-secret="${secretForPage}" data-evil="${evilOrigin}/evil"><main><h1>Checkout</h1><p>Two bags of coffee: 1 500,00 ₽</p>
<div id="number"></div><div id="expiry"></div><div id="cvc"></div>
${url.searchParams.has('evil') ? '<button id="load-evil" type="button">Load a third-party frame</button>' : ''}<button id="token" type="button">Save card</button> <button id="pay" type="button">Pay</button><pre id="out"></pre>
</main>
<script src="${gateway}/js/tender.js"></script><script src="/shop.js"></script></body></html>`);
    });
    await request(t.gateway.app)
      .put('/v1/branding')
      .set('Authorization', `Bearer ${m.key}`)
      .send({ frame_ancestors: [shopServer.origin], primary_color: '#0a7d4f' })
      .expect(200);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await shopServer?.close();
    await evilServer?.close();
    await t?.close();
  });

  interface Watch {
    page: Page;
    shopRequests: string[];
    console: string[];
  }
  async function openShop(width = 1280, query = ''): Promise<Watch> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    const shopRequests: string[] = [];
    const consoleLines: string[] = [];
    // Every request the shop's own document makes (the frames' requests are the gateway's business).
    page.on('request', (r) => {
      if (r.frame() === page.mainFrame()) shopRequests.push(`${r.method()} ${r.url()} ${r.postData() ?? ''} ${JSON.stringify(r.headers())}`);
    });
    page.on('console', (m) => consoleLines.push(m.text()));
    await page.goto(`${shopServer.origin}/checkout${query}`);
    await page.frameLocator('iframe.tender-field-cvc').locator('#tender-input').waitFor();
    return { page, shopRequests, console: consoleLines };
  }
  async function type(page: Page, number: string): Promise<void> {
    await page.frameLocator('iframe.tender-field-number').locator('#tender-input').fill(number);
    await page
      .frameLocator('iframe.tender-field-expiry')
      .locator('#tender-input')
      .fill(`12${String((new Date().getUTCFullYear() + 2) % 100)}`);
    await page.frameLocator('iframe.tender-field-cvc').locator('#tender-input').fill('737');
  }
  async function assertNoCardData(w: Watch, number: string): Promise<void> {
    const dom = String(await w.page.evaluate('document.documentElement.outerHTML'));
    const seen = String(await w.page.evaluate('JSON.stringify({ changes: window.changes, messages: window.messages })'));
    for (const haystack of [dom, seen, w.shopRequests.join('\n'), w.console.join('\n')]) {
      assert.equal(haystack.includes(number), false);
      assert.equal(haystack.includes(number.slice(0, 4) + ' ' + number.slice(4, 8)), false);
      assert.equal(/\b737\b/.test(haystack), false);
    }
  }

  it('makes a token: validation, brand and labels live in the frames, no card data reaches the shop page', async () => {
    const w = await openShop();
    const number = w.page.frameLocator('iframe.tender-field-number');
    await number.locator('#tender-input').fill('4242424242424241');
    await number.locator('#tender-input').blur();
    assert.equal(await number.locator('#tender-input').getAttribute('aria-invalid'), 'true');
    assert.match((await number.locator('#tender-error').textContent()) ?? '', /valid card number/);
    assert.equal(await number.locator('label[for="tender-input"]').textContent(), 'Card number');
    await type(w.page, CARDS.visa);
    assert.equal(await number.locator('#tender-brand').textContent(), 'visa');
    await saveScreenshot(w.page, 'fields-checkout-1280', { fullPage: true });
    await w.page.click('#token');
    await w.page.locator('#out:not(:empty)').waitFor();
    const out = JSON.parse((await w.page.textContent('#out')) ?? '{}');
    assert.match(out.token.id, /^tok_/);
    assert.equal(out.token.card.last4, '4242');
    await assertNoCardData(w, CARDS.visa);
    // The token pays once from the shop's server, then never again.
    const p = await shop.createPayment();
    assert.equal((await shop.post(`/v1/payments/${p.id}/confirm`, { payment_method: out.token.id }).expect(200)).body.status, 'captured');
    const q = await shop.createPayment();
    assert.equal((await shop.post(`/v1/payments/${q.id}/confirm`, { payment_method: out.token.id }).expect(400)).body.error.code, 'card_token_used');
    await w.page.context().close();
  });

  it("ignores messages from any origin but the gateway's and the registered shop's", async () => {
    const count = async (): Promise<number> => Number((await t.gateway.db('card_tokens').count({ n: '*' }))[0]?.n);
    const before = await count();
    const w = await openShop(1280, '?evil=1');
    await type(w.page, CARDS.visa);
    // A frame of a third origin, loaded after the card was typed, forges a submit and a clear to every frame and answers to the page.
    await w.page.click('#load-evil');
    await w.page.frameLocator('#evil').locator('script').first().waitFor({ state: 'attached' });
    for (let i = 0; i < 100 && !String(await w.page.evaluate('JSON.stringify(window.messages)')).includes('evil:done'); i++) await w.page.waitForTimeout(50);
    // The real token: the number frame still has the card (the forged clear was ignored) and answers only the shop.
    await w.page.click('#token');
    await w.page.locator('#out:not(:empty)').waitFor();
    const out = JSON.parse((await w.page.textContent('#out')) ?? '{}');
    assert.match(out.token.id, /^tok_[0-9A-Za-z]{24}$/);
    assert.equal(await count(), before + 1);
    const messages = JSON.parse(String(await w.page.evaluate('JSON.stringify(window.messages)'))) as string[];
    // No frame answered the forged submit: the only 'forged' result the page saw is the attacker's own.
    const forgedResults = messages.filter((m) => m.includes('"requestId":"forged"'));
    assert.ok(forgedResults.every((m) => m.includes('tok_forged') && !m.includes(`"origin":"${gateway}"`)));
    const changes = String(await w.page.evaluate('JSON.stringify(window.changes)'));
    assert.equal(changes.includes('forged'), false);
    await assertNoCardData(w, CARDS.visa);
    await w.page.context().close();
  });

  it("cannot be framed by another origin, even one that names the shop's origin in the frame's URL", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => blocked.push(m.text()));
    // A third origin's page frames the number field and claims to be the registered shop.
    const evilOrigin = evilServer.origin.replace('localhost', '127.0.0.1');
    await page.goto(`${evilOrigin}/evil-host`);
    const src = `${gateway}/elements/field?field=number&key=${pk}&origin=${encodeURIComponent(shopServer.origin)}&session=abcdefabcdefabcdef`;
    await page.evaluate(
      `new Promise((resolve) => { const f = document.createElement('iframe'); f.id = 'stolen'; f.src = ${JSON.stringify(src)}; f.onload = () => resolve(); document.body.appendChild(f); })`,
    );
    // The browser refuses to render it (CSP frame-ancestors names the shop alone): no input ever exists in that frame.
    const frame = page.frames().find((f) => f.url().includes('/elements/field'));
    const inputs =
      frame === undefined
        ? 0
        : await frame
            .locator('#tender-input')
            .count()
            .catch(() => 0);
    assert.equal(inputs, 0);
    assert.ok(
      blocked.some((line) => /frame-ancestors/.test(line)),
      blocked.join('\n'),
    );
    await context.close();
  });

  it('confirms a payment by its client secret and runs 3-D Secure in a modal with the sandbox challenge card', async () => {
    const p = await shop.createPayment();
    secretForPage = String(p.payment_url);
    const w = await openShop(360);
    await type(w.page, CARDS.threeDSecure);
    await saveScreenshot(w.page, 'fields-checkout-360', { fullPage: true });
    await w.page.click('#pay');
    const modal = w.page.frameLocator('iframe.tender-challenge-frame');
    await modal.locator('#code').waitFor();
    await saveScreenshot(w.page, 'fields-3ds-modal-360');
    await modal.locator('#code').fill('123456');
    await modal.locator('#acs-submit').click();
    await w.page.locator('#out:not(:empty)').waitFor();
    const out = JSON.parse((await w.page.textContent('#out')) ?? '{}');
    assert.deepEqual(out.payment, { id: p.id, status: 'captured' });
    assert.equal(await w.page.locator('.tender-challenge-overlay').count(), 0);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.three_d_secure.status, 'Y');
    await assertNoCardData(w, CARDS.threeDSecure);
    secretForPage = '';
    await w.page.context().close();
  });

  it("shows the hosted page's 3-D Secure challenge in a modal at 1280 px", async () => {
    const p = await shop.createPayment();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(String(p.payment_url).replace(/^https?:\/\/[^/]+/, gateway));
    const island = page.frameLocator('#payment-island');
    await island.locator('#card-number').fill(CARDS.threeDSecure);
    await island.locator('#card-expiry').fill(`12${String((new Date().getUTCFullYear() + 2) % 100)}`);
    await island.locator('#card-cvc').fill('123');
    await island
      .locator('#card-name')
      .fill('Ann Buyer')
      .catch(() => undefined);
    await island.locator('#pay-button').click();
    const modal = page.frameLocator('#challenge-frame');
    await modal.locator('#code').waitFor();
    await saveScreenshot(page, 'fields-3ds-modal-1280');
    await modal.locator('#code').fill('123456');
    await modal.locator('#acs-submit').click();
    await page.waitForSelector('#result-title');
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'captured');
    await context.close();
  });
});
