import assert from 'node:assert/strict';
import { Browser, Page } from 'playwright-core';
import { TestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { expiry, pageTokenOf } from '../support/hosted-page';
import { launchChromium } from '../support/browser';
import { createCustomer, startSavedCardsGateway } from '../support/saved-cards';

describe('saved cards on the hosted page in headless Chromium: consent checkbox, then one click', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let base: string;
  let browser: Browser;

  before(async () => {
    t = await startSavedCardsGateway({ env: { TENDER_PAGE_SUBMITS_PER_IP_PER_MINUTE: '1000' } });
    base = `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Flower Shop')).key);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(overrides: Record<string, unknown>, locale = 'en-US'): Promise<{ page: Page; id: string }> {
    const p = await shop.createPayment({ amount: 2500, ...overrides });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale })).newPage();
    await page.goto(`${base}/pay/${pageTokenOf(String(p.payment_url))}`);
    return { page, id: p.id };
  }
  const island = (page: Page) => page.frameLocator('#payment-island');

  it('the buyer ticks "save my card", pays, and next time pays in one click with that card', async () => {
    const customer = await createCustomer(shop, { email: 'flowers@example.com' });
    const first = await open({ customer });
    const box = island(first.page).locator('#save-card');
    assert.equal(await box.isChecked(), false, 'never ticked in advance');
    assert.match((await island(first.page).locator('#save-card-text').textContent()) ?? '', /Save my card for faster payments/);
    await island(first.page).locator('#card-number').fill(CARDS.visa);
    await island(first.page).locator('#card-expiry').fill(expiry().replace('/', ''));
    await island(first.page).locator('#card-cvc').fill('123');
    await island(first.page).locator('#card-name').fill('Ann Buyer');
    await box.check();
    await island(first.page).locator('#pay-button').click();
    await first.page.waitForSelector('#result-title');
    assert.match((await first.page.textContent('#result-title')) ?? '', /Payment successful/);
    await first.page.context().close();
    const cards = (await shop.get(`/v1/customers/${customer}/payment_methods`).expect(200)).body.data;
    assert.equal(cards.length, 1);
    assert.equal(cards[0].consent.source, 'hosted_page');
    assert.equal(cards[0].consent.ip, '127.0.0.1');

    // Next time: the saved card is offered; one click pays.
    const second = await open({ customer });
    const choice = island(second.page).locator(`input[name="payment_method"][value="${cards[0].id}"]`);
    assert.equal(await choice.isChecked(), true);
    assert.match((await island(second.page).locator('#saved-card-option').textContent()) ?? '', /Visa\s*•••• 4242/);
    await island(second.page).locator('#saved-card-pay-button').click();
    await second.page.waitForSelector('#result-title');
    assert.match((await second.page.textContent('#result-title')) ?? '', /Payment successful/);
    await second.page.context().close();
    const paid = (await shop.get(`/v1/payments/${second.id}`).expect(200)).body;
    assert.equal(paid.status, 'captured');
    assert.equal(paid.payment_method, cards[0].id);
  });

  it('shows the consent text in Arabic, right to left, when the buyer reads Arabic', async () => {
    const customer = await createCustomer(shop);
    const { page } = await open({ customer, setup_future_usage: 'off_session', locale: 'ar' }, 'ar');
    assert.match((await island(page).locator('#save-card-text').textContent()) ?? '', /احفظ بطاقتي واسمح لهذا المتجر/);
    assert.equal(await island(page).locator('html').getAttribute('dir'), 'rtl');
    await page.context().close();
  });
});
