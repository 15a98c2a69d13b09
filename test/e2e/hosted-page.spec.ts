import assert from 'node:assert/strict';
import { Browser, Page } from 'playwright-core';
import supertest from 'supertest';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { expiry, pageTokenOf, shopHmac } from '../support/hosted-page';
import { launchChromium, startReturnServer } from '../support/browser';
import { saveScreenshot } from '../support/screenshots';

describe('hosted payment page in headless Chromium', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let secret: string;
  let base: string;
  let browser: Browser;
  let returns: Awaited<ReturnType<typeof startReturnServer>>;

  before(async () => {
    t = await startTestGateway({ env: { TENDER_PAGE_SUBMITS_PER_IP_PER_MINUTE: '1000' } });
    const address = await t.gateway.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${address.port}`;
    const m = await t.createMerchant('Coffee Beans Ltd');
    shop = new MerchantClient(t.gateway.app, m.key);
    secret = (await shop.get('/v1/account').expect(200)).body.signing_secret;
    browser = await launchChromium();
    returns = await startReturnServer();
  });
  after(async () => {
    await browser?.close();
    await returns?.close();
    await t?.close();
  });

  async function openPage(
    overrides: Record<string, unknown> = {},
    viewport = { width: 1280, height: 900 },
    locale?: string,
  ): Promise<{ page: Page; id: string }> {
    const p = await shop.createPayment({ description: 'Two bags of coffee, 500 g each', return_url: returns.url, ...overrides });
    const context = await browser.newContext({ viewport, ...(locale === undefined ? {} : { locale }) });
    const page = await context.newPage();
    await page.goto(`${base}/pay/${pageTokenOf(String(p.payment_url))}`);
    return { page, id: p.id };
  }

  /** The payment form island: the card form's own document, framed by the page. */
  const island = (page: Page) => page.frameLocator('#payment-island');

  async function fillCard(page: Page, number: string): Promise<void> {
    await island(page).locator('#card-number').fill(number);
    await island(page).locator('#card-expiry').fill(expiry().replace('/', ''));
    await island(page).locator('#card-cvc').fill('123');
    await island(page).locator('#card-name').fill('Ann Buyer');
  }

  it('pays an approved card and lands on return_url with a valid signature', async () => {
    const { page, id } = await openPage();
    await island(page).locator('#card-number').fill(CARDS.visa);
    assert.equal(await island(page).locator('#card-number').inputValue(), '4242 4242 4242 4242');
    assert.equal(await island(page).locator('#card-brand').textContent(), 'Visa');
    await fillCard(page, CARDS.visa);
    await island(page).locator('#pay-button').click();
    await page.waitForSelector('#result-title');
    assert.match((await page.textContent('#result-title')) ?? '', /Payment successful/);
    await page.click('#return-link');
    await page.waitForSelector('#shop');
    const hit = returns.hits.filter((h) => h.pathname === '/return').at(-1);
    assert.ok(hit !== undefined);
    assert.equal(hit.searchParams.get('payment_id'), id);
    assert.equal(hit.searchParams.get('status'), 'captured');
    const expected = shopHmac(secret, `${id}\n${hit.searchParams.get('order_id') ?? ''}\ncaptured`);
    assert.equal(hit.searchParams.get('signature'), expected);
    await page.context().close();
  });

  it('checks Luhn in the browser and announces the error next to the field', async () => {
    const { page } = await openPage();
    await fillCard(page, '4242424242424241');
    await island(page).locator('#pay-button').click();
    assert.match((await island(page).locator('#card-number-error').textContent()) ?? '', /valid card number/);
    assert.equal(await island(page).locator('#card-number').getAttribute('aria-invalid'), 'true');
    await page.context().close();
  });

  it('shows a decline and lets the buyer retry', async () => {
    const { page } = await openPage();
    await fillCard(page, CARDS.doNotHonor);
    await island(page).locator('#pay-button').click();
    await island(page).locator('#form-alert').waitFor();
    assert.match((await island(page).locator('#form-alert').textContent()) ?? '', /Payment declined/);
    assert.equal(await island(page).locator('#card-number').inputValue(), '');
    await fillCard(page, CARDS.mir);
    await island(page).locator('#pay-button').click();
    await page.waitForSelector('#result-title');
    assert.match((await page.textContent('#result-card')) ?? '', /Mir •••• 0004/);
    await page.context().close();
  });

  for (const [code, outcome] of [
    ['123456', /Payment successful/],
    ['111111', /Payment declined/],
  ] as const) {
    it(`runs the 3-D Secure challenge with code ${code}`, async () => {
      const { page, id } = await openPage();
      await fillCard(page, CARDS.threeDSecure);
      await island(page).locator('#pay-button').click();
      // The challenge runs in a modal frame over the page (the simulated ACS inside it).
      const acs = page.frameLocator('#challenge-frame');
      await acs.locator('#code').waitFor();
      await acs.locator('#code').fill(code);
      await acs.locator('#acs-submit').click();
      if (code === '123456') await page.waitForSelector('#result-title');
      else await island(page).locator('#form-alert').waitFor();
      assert.match((await (code === '123456' ? page.locator('main') : island(page).locator('main')).textContent()) ?? '', outcome);
      const p = (await shop.get(`/v1/payments/${id}`).expect(200)).body;
      assert.equal(p.three_d_secure.status, code === '123456' ? 'Y' : 'N');
      await page.context().close();
    });
  }

  it('lays the Arabic page out right to left', async () => {
    const { page } = await openPage({ currency: 'AED', amount: 123450, order_id: 'A-1042' }, { width: 1280, height: 900 }, 'ar');
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    assert.equal(await page.evaluate('getComputedStyle(document.body).direction'), 'rtl');
    await saveScreenshot(page, 'payment-ar', { fullPage: true });
    await page.context().close();
  });

  it('has no horizontal scroll at 360 px', async () => {
    const { page } = await openPage({ locale: 'ru', order_id: 'A-1042' }, { width: 360, height: 780 });
    assert.ok(Number(await page.evaluate('document.documentElement.scrollWidth')) <= 360);
    await saveScreenshot(page, 'payment-mobile', { fullPage: true });
    await page.context().close();
    const desktop = await openPage({ locale: 'en', order_id: 'A-1042' });
    await saveScreenshot(desktop.page, 'payment-desktop', { fullPage: true });
    await desktop.page.context().close();
  });

  it('renders a custom merchant template and refuses a malicious one', async () => {
    const template = '<main class="page custom-shop">\n<h1 id="custom-heading">{{merchant.name}} checkout</h1>\n{{> order_summary}}\n{{> card_form}}\n</main>';
    const ok = await request(t).put('/v1/branding').set('Authorization', `Bearer ${shop.key}`).send({ template, primary_color: '#0a7d32' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const evil = await request(t)
      .put('/v1/branding')
      .set('Authorization', `Bearer ${shop.key}`)
      .send({ template: '<main>\n{{> card_form}}\n<img src=x onerror="alert(1)">\n</main>' });
    assert.equal(evil.status, 400);
    assert.equal(evil.body.error.code, 'template_invalid');
    assert.match(evil.body.error.message, /^Line 3: event handler attributes \(onerror\)/);
    const { page } = await openPage();
    assert.equal(await page.textContent('#custom-heading'), 'Coffee Beans Ltd checkout');
    await fillCard(page, CARDS.visa);
    await island(page).locator('#pay-button').click();
    await page.waitForSelector('#result-title');
    await page.context().close();
    await request(t).put('/v1/branding').set('Authorization', `Bearer ${shop.key}`).send({ template: null, primary_color: null }).expect(200);
  });
});

function request(t: TestGateway): supertest.Agent {
  return supertest.agent(t.gateway.app);
}
