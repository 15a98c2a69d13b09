import assert from 'node:assert/strict';
import net from 'node:net';
import request from 'supertest';
import { Browser, Page } from 'playwright-core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { plugin as sbpPlugin } from '@tender/plugin-sbp';
import { plugin as walletPlugin } from '@tender/plugin-e-wallet';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';
import { pageTokenOf } from '../support/hosted-page';
import { launchChromium } from '../support/browser';
import { saveScreenshot } from '../support/screenshots';

/** A loopback port free right now: the gateway's public URL must name it before it listens (the wallet's redirect is absolute). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('SBP QR page and e-wallet redirect in headless Chromium', function () {
  this.timeout(90_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let base: string;
  let browser: Browser;

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestGateway({
      plugins: [sandboxPlugin, accountsPlugin, sbpPlugin, walletPlugin],
      env: { TENDER_PUBLIC_URL: base, TENDER_PAGE_SUBMITS_PER_IP_PER_MINUTE: '1000' },
    });
    await t.gateway.listen(port, '127.0.0.1');
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Flower Shop')).key);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(overrides: Record<string, unknown>, width = 1280): Promise<{ page: Page; id: string }> {
    const p = await shop.createPayment({ amount: 249900, description: 'Bouquet of tulips', ...overrides });
    const page = await (
      await browser.newContext({ viewport: { width, height: width < 600 ? 780 : 900 }, isMobile: width < 600, hasTouch: width < 600 })
    ).newPage();
    await page.goto(`${base}/pay/${pageTokenOf(String(p.payment_url))}`);
    return { page, id: p.id };
  }
  const island = (page: Page) => page.frameLocator('#payment-island');

  it('the buyer picks SBP, sees the QR code, pays in the sandbox bank, and the page shows the payment paid', async () => {
    const { page, id } = await open({ locale: 'en' });
    await island(page).locator('#sbp-pay-button').click();
    await page.waitForSelector('#next-action-qr');
    const loaded = await page.$eval('#next-action-qr', (img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    assert.ok(loaded > 0, 'the QR image (a data URL) renders under the page CSP');
    assert.equal(await page.isVisible('#next-action-app'), false, 'no bank-app link on a desktop');
    assert.match((await page.textContent('#next-action-expires')) ?? '', /\d\d:\d\d/);
    const payment = (await shop.get(`/v1/payments/${id}`).expect(200)).body;
    assert.equal(payment.status, 'requires_action');
    const reference = String(payment.next_action.qr.payload).split('/').pop();
    await request(t.gateway.app).post(`/plugins/sbp/sandbox/qr/${reference}/approve`).send({}).expect(200);
    // The page refreshes itself while it waits; the next load shows the result.
    await page.waitForSelector('#result-title', { timeout: 30_000 });
    assert.match((await page.textContent('#result-title')) ?? '', /Payment successful/);
    await page.context().close();
  });

  it('on a phone the QR page offers the bank-app link, and the sandbox tester page approves', async () => {
    const { page, id } = await open({ locale: 'ru' }, 360);
    await island(page).locator('#sbp-pay-button').click();
    await page.waitForSelector('#next-action-app');
    assert.equal(await page.isVisible('#next-action-app'), true);
    const overflow = Number(await page.evaluate('document.scrollingElement.scrollWidth - window.innerWidth'));
    assert.ok(overflow <= 0, `the QR page fits 360 px (${overflow}px too wide)`);
    // The link is the QR payload: at the sandbox it opens the tester page, where the tester approves.
    await page.click('#next-action-app');
    await page.waitForSelector('#approve');
    await page.click('#approve');
    await page.waitForSelector('#status');
    assert.equal(await page.textContent('#status'), 'paid');
    assert.equal((await shop.get(`/v1/payments/${id}`).expect(200)).body.status, 'captured');
    await page.context().close();
  });

  it('the buyer picks the e-wallet, is sent to the wallet, pays there and is back on a paid page', async () => {
    const { page, id } = await open({ locale: 'en' });
    await island(page).locator('#e-wallet-pay-button').click();
    await page.waitForSelector('#next-action-redirect');
    await saveScreenshot(page, 'wallet-redirect-en-1280', { fullPage: true });
    await page.click('#next-action-redirect');
    await page.waitForSelector('#pay');
    await saveScreenshot(page, 'wallet-sandbox-en-1280', { fullPage: true });
    assert.match((await page.textContent('#sum')) ?? '', /2,?499\.00/);
    await page.click('#pay');
    await page.waitForSelector('#result-title');
    assert.match((await page.textContent('#result-title')) ?? '', /Payment successful/);
    assert.equal((await shop.get(`/v1/payments/${id}`).expect(200)).body.status, 'captured');
    await page.context().close();
  });

  it('the SBP QR page in ru, en and ar at 1280 and 360 px (docs/screenshots/sbp-*)', async () => {
    for (const locale of ['ru', 'en', 'ar'] as const) {
      for (const width of [1280, 360]) {
        const { page, id } = await open({ locale }, width);
        await shop.post(`/v1/payments/${id}/confirm`, { payment_method: { type: 'sbp' } }).expect(200);
        await page.reload();
        await page.waitForSelector('#next-action-qr');
        assert.equal(await page.getAttribute('html', 'dir'), locale === 'ar' ? 'rtl' : 'ltr');
        await saveScreenshot(page, `sbp-${locale}-${width}`, { fullPage: true });
        await page.context().close();
      }
    }
  });

  it('the e-wallet redirect page in ru, en and ar at 1280 and 360 px (docs/screenshots/wallet-*)', async () => {
    for (const locale of ['ru', 'en', 'ar'] as const) {
      for (const width of [1280, 360]) {
        const { page, id } = await open({ locale }, width);
        await shop.post(`/v1/payments/${id}/confirm`, { payment_method: { type: 'e_wallet' } }).expect(200);
        await page.reload();
        await page.waitForSelector('#next-action-redirect');
        assert.equal(await page.getAttribute('html', 'dir'), locale === 'ar' ? 'rtl' : 'ltr');
        const overflow = Number(await page.evaluate('document.scrollingElement.scrollWidth - window.innerWidth'));
        assert.ok(overflow <= 0, `the wallet page fits ${width} px (${overflow}px too wide)`);
        await saveScreenshot(page, `wallet-redirect-${locale}-${width}`, { fullPage: true });
        await page.context().close();
      }
    }
  });
});
