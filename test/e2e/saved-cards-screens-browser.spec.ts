import assert from 'node:assert/strict';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { TestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { putMerchantRules } from '../support/risk-helpers';
import { launchChromium } from '../support/browser';
import { createCustomer, saveCardViaApi, startSavedCardsGateway } from '../support/saved-cards';
import { WebUser, createMerchantUser, signInPage } from '../support/web-session';

/**
 * The saved-cards plugin's dashboard screens in headless Chromium, signed in through
 * the shell's real form: a buyer's hostile name stays text, a card is deleted and a
 * schedule canceled by clicking through the confirmations, and nothing is refused by
 * the shell's CSP on the way.
 */
describe('saved cards dashboard screens in headless Chromium', function () {
  this.timeout(90_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let base: string;
  let browser: Browser;
  let owner: WebUser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  /** Set when a hostile name's markup runs (it must not). */
  const dialogs: string[] = [];

  before(async () => {
    t = await startSavedCardsGateway();
    base = `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
    const merchant = await t.createMerchant('Box Shop');
    shop = new MerchantClient(t.gateway.app, merchant.key);
    await putMerchantRules(t.gateway.app, shop, { dry_run: true }).expect(200);
    owner = await createMerchantUser(t, { merchantId: merchant.id, role: 'owner' });
    browser = await launchChromium();
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.close();
  });
  afterEach(() => {
    assert.deepEqual(problems.splice(0), [], 'no CSP refusals or script errors');
    assert.deepEqual(dialogs.splice(0), [], 'no markup of a customer ran');
  });

  async function signedIn(user: WebUser): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && /Refused to|Content Security Policy/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signInPage(page, base, 'dashboard', user);
    return page;
  }

  it("shows a customer's saved card and deletes it through the confirmation", async () => {
    const customer = await createCustomer(shop, { name: '<img src=x onerror=alert(1)>Anna', email: 'anna@example.com' });
    const { pm } = await saveCardViaApi(shop, customer, CARDS.mastercard);
    const page = await signedIn(owner);
    await page.click('.web-nav a[href="/dashboard/customers"]');
    await page.click(`a.customer-link[href="/dashboard/customers?id=${customer}"]`);
    assert.equal(await page.textContent('#customer-name'), '<img src=x onerror=alert(1)>Anna', 'the name is shown as text');
    assert.match((await page.textContent(`tr[data-payment-method-id="${pm}"]`)) ?? '', /mastercard •••• 4444/);
    await page.click(`#delete-${pm}`);
    await page.waitForSelector('#card-delete-confirm');
    await page.click('#confirm-button');
    await page.waitForSelector('#action-done');
    assert.ok((await page.$('#no-saved-cards')) !== null);
    assert.equal((await shop.get(`/v1/customers/${customer}/payment_methods`).expect(200)).body.data.length, 0);
  });

  it('lists a schedule with its next charge and cancels it through the confirmation', async () => {
    const customer = await createCustomer(shop, { name: 'Vera', email: 'vera@example.com' });
    const { pm } = await saveCardViaApi(shop, customer, CARDS.visa);
    const start = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const schedule = (
      await shop.post('/v1/schedules', { customer, payment_method: pm, amount: 4900, currency: 'RUB', interval: 'week', start_date: start }).expect(201)
    ).body as { id: string };
    const page = await signedIn(owner);
    await page.click('.web-nav a[href="/dashboard/schedules"]');
    assert.match((await page.textContent(`tr[data-schedule-id="${schedule.id}"] .next-charge`)) ?? '', new RegExp(`^${start} 00:00 UTC$`));
    await page.click(`a.schedule-link[href="/dashboard/schedules?id=${schedule.id}"]`);
    await page.click('#cancel-schedule');
    await page.waitForSelector('#schedule-cancel-confirm');
    await page.click('#confirm-button');
    await page.waitForSelector('#action-done');
    assert.equal(await page.textContent('#schedule-status'), 'canceled');
    assert.equal((await shop.get(`/v1/schedules/${schedule.id}`).expect(200)).body.status, 'canceled');
  });
});
