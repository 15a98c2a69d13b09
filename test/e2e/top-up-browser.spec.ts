import assert from 'node:assert/strict';
import { Browser, BrowserContext } from 'playwright-core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as topUpPlugin } from '@tender/plugin-top-up';
import { CARDS } from '../support/merchant-client';
import { expiry } from '../support/hosted-page';
import { launchChromium } from '../support/browser';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { TOP_UP_TEST_OPTIONS, putTopUpSettings, topUpSettings } from '../support/top-up-fixtures';

/**
 * The buyer's whole journey in headless Chromium: the top-up page (phone first, on a
 * phone-sized screen), the hosted payment page with a card, the return to the status
 * page, which refreshes itself until the top-up is delivered. The gateway's public URL
 * is http://pay.tender.test; the browser's requests to it are served by the gateway
 * on its loopback port (Playwright routes them), so every link and redirect the
 * gateway writes is followed as a buyer's browser would.
 */
describe('mobile top-up in headless Chromium: phone → hosted page → card → status page', function () {
  this.timeout(90_000);
  let t: TestGateway;
  let base: string;
  let browser: Browser;

  before(async () => {
    t = await startTestGateway({
      plugins: [sandboxPlugin, topUpPlugin],
      env: {
        ...TOP_UP_TEST_OPTIONS,
        TENDER_PLUGIN_TOP_UP_DELIVERY_INTERVAL_MS: '50',
        TENDER_PAGE_SUBMITS_PER_IP_PER_MINUTE: '1000',
        TENDER_BRAND_NAME: 'Acme Mobile',
      },
    });
    base = `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
    const { id } = await t.createMerchant('Top-ups');
    await putTopUpSettings(t.gateway.app, topUpSettings(id)).expect(200);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function buyerContext(locale: string): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale });
    await context.route('http://pay.tender.test/**', async (route) => {
      const url = new URL(route.request().url());
      const response = await route.fetch({ url: `${base}${url.pathname}${url.search}`, maxRedirects: 0 });
      await route.fulfill({ response });
    });
    return context;
  }

  it('tops up a number paid by card, and shows it delivered', async () => {
    const context = await buyerContext('ru-RU');
    const page = await context.newPage();
    await page.goto('http://pay.tender.test/plugins/top-up/');
    assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    assert.match((await page.textContent('.brand')) ?? '', /Acme Mobile/);
    const phone = await page.locator('#phone').boundingBox();
    const amount = await page.locator('#amount').boundingBox();
    assert.ok(phone !== null && amount !== null && phone.y < amount.y && phone.y + phone.height < 740, 'the phone field comes first, on the first screen');
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'phone');

    // A number of an operator the gateway does not serve: refused on the page, in Russian.
    await page.fill('#phone', '+7 958 000-12-34');
    await page.fill('#amount', '150');
    await page.click('button[type=submit]');
    assert.match((await page.textContent('#top-up-error')) ?? '', /Номера этого оператора пополнить нельзя/);

    await page.fill('#phone', '+7 (916) 555-00-01');
    await page.fill('#amount', '150,50');
    await page.fill('#email', 'buyer@example.com');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/pay\//);
    const island = page.frameLocator('#payment-island');
    await island.locator('#card-number').fill(CARDS.visa);
    await island.locator('#card-expiry').fill(expiry().replace('/', ''));
    await island.locator('#card-cvc').fill('123');
    await island.locator('#card-name').fill('Ann Buyer');
    await island.locator('#pay-button').click();
    await page.waitForSelector('#return-link');
    await page.click('#return-link');
    await page.waitForURL(/\/plugins\/top-up\/status\//);
    await page.waitForSelector('#top-up-status[data-status="delivered"]', { timeout: 30_000 });
    assert.match((await page.textContent('#top-up-status')) ?? '', /деньги зачислены/);
    assert.match((await page.textContent('dl')) ?? '', /\+7 916 \*\*\*-\*\*-01/);
    await context.close();

    const row = await t.gateway.db('top_ups').where({ phone: '+79165550001' }).first();
    assert.equal(row.status, 'delivered');
    assert.equal(Number(row.amount), 15_050);
  });

  it('shows the page right to left in Arabic', async () => {
    const context = await buyerContext('ar');
    const page = await context.newPage();
    await page.goto('http://pay.tender.test/plugins/top-up/');
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    assert.match((await page.textContent('h1')) ?? '', /شحن رصيد الهاتف/);
    await context.close();
  });
});
