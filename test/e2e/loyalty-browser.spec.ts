import assert from 'node:assert/strict';
import { Browser, Page } from 'playwright-core';
import { TestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { expiry, pageTokenOf } from '../support/hosted-page';
import { launchChromium } from '../support/browser';
import { assertLedgerInvariants, balanceOf, grantPoints, programWithCard, startLoyaltyGateway } from '../support/loyalty';

describe('loyalty points on the hosted page in headless Chromium', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let base: string;
  let browser: Browser;

  before(async () => {
    t = await startLoyaltyGateway({ env: { TENDER_PAGE_SUBMITS_PER_IP_PER_MINUTE: '1000' } });
    base = `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Book Shop')).key);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    if (t !== undefined) await assertLedgerInvariants(t.gateway.db);
    await t?.close();
  });

  async function open(overrides: Record<string, unknown>, locale = 'en-US'): Promise<{ page: Page; id: string }> {
    const p = await shop.createPayment({ amount: 100000, ...overrides });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale })).newPage();
    await page.goto(`${base}/pay/${pageTokenOf(String(p.payment_url))}`);
    return { page, id: p.id };
  }
  const island = (page: Page) => page.frameLocator('#payment-island');
  async function fillCard(page: Page): Promise<void> {
    await island(page).locator('#card-number').fill(CARDS.visa);
    await island(page).locator('#card-expiry').fill(expiry().replace('/', ''));
    await island(page).locator('#card-cvc').fill('123');
    await island(page).locator('#card-name').fill('Ann Buyer');
  }

  it('a recognised buyer sees the balance and the most the points pay, spends points, and the bank charges the net', async () => {
    const { number } = await programWithCard(shop);
    await grantPoints(t.gateway.db, number, 300);
    const { page, id } = await open({ metadata: { loyalty_card: number } });
    const balance = (await island(page).locator('#loyalty-balance').textContent()) ?? '';
    assert.match(balance, new RegExp(`•••• ${number.slice(-4)}`));
    assert.match(balance, /300 points/);
    assert.match(balance, /up to[^(]*300[.,]00 \(300 points\)/, balance);
    await fillCard(page);
    await island(page).locator('#loyalty-spend').fill('250');
    await island(page).locator('#pay-button').click();
    await page.waitForSelector('#result-title');
    assert.match((await page.textContent('#result-title')) ?? '', /Payment successful/);
    await page.context().close();
    const paid = (await shop.get(`/v1/payments/${id}`).expect(200)).body;
    assert.equal(paid.status, 'captured');
    assert.deepEqual([paid.amount_gross, paid.amount_discount, paid.amount], [100000, 25000, 75000]);
    // 300 - 250 spent + 5 % of 750.00 earned.
    assert.equal(await balanceOf(shop, number), 50 + 37);
  });

  it('a buyer types a card number; more points than the balance shows the form again with nothing written', async () => {
    const { number } = await programWithCard(shop);
    await grantPoints(t.gateway.db, number, 20);
    const { page, id } = await open({ locale: 'ru' }, 'ru');
    assert.match((await island(page).locator('#loyalty-points legend').textContent()) ?? '', /Карта лояльности/);
    await fillCard(page);
    await island(page).locator('#loyalty-card').fill(number);
    await island(page).locator('#loyalty-spend').fill('21');
    await island(page).locator('#pay-button').click();
    await island(page).locator('#loyalty-card').waitFor();
    assert.equal((await shop.get(`/v1/payments/${id}`).expect(200)).body.status, 'pending');
    assert.equal(await balanceOf(shop, number), 20);
    assert.equal(Number((await t.gateway.db('loyalty_movements').where({ payment_id: id }).count({ n: '*' }).first())?.n), 0);
    await fillCard(page);
    await island(page).locator('#loyalty-card').fill(number);
    await island(page).locator('#loyalty-spend').fill('20');
    await island(page).locator('#loyalty-link').check();
    await island(page).locator('#pay-button').click();
    await page.waitForSelector('#result-title');
    await page.context().close();
    const paid = (await shop.get(`/v1/payments/${id}`).expect(200)).body;
    assert.deepEqual([paid.status, paid.amount_discount, paid.amount], ['captured', 2000, 98000]);
    assert.equal((await shop.get(`/v1/loyalty/cards/${number}`).expect(200)).body.linked_card, true, 'the buyer asked to be recognised by this card');
  });
});
