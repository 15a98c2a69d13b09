import assert from 'node:assert/strict';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { FixedClock } from '@tender/core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { SeededPayments, seedPayments } from '../support/dashboard-fixtures';
import { payAs, putMerchantRules } from '../support/risk-helpers';
import { launchChromium } from '../support/browser';
import { WebUser, createMerchantUser, signInPage } from '../support/web-session';
import { saveScreenshot } from '../support/screenshots';

/** The merchant dashboard screens in headless Chromium, signed in through the shell's real form. */
describe('dashboard screens in headless Chromium', function () {
  this.timeout(90_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let seeded: SeededPayments;
  let base: string;
  let browser: Browser;
  let owner: WebUser;
  let support: WebUser;
  const contexts: BrowserContext[] = [];
  /** Anything the page's CSP refused or a script threw: the screens must run clean under the shell's policy. */
  const problems: string[] = [];

  before(async () => {
    const clock = new FixedClock(Date.parse('2026-03-02T10:00:00Z'));
    t = await startTestGateway({ clock });
    const address = await t.gateway.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${address.port}`;
    const merchant = await t.createMerchant('Coffee Beans Ltd');
    shop = new MerchantClient(t.gateway.app, merchant.key);
    seeded = await seedPayments(t.gateway.app, shop, clock);
    await putMerchantRules(t.gateway.app, shop, {
      dry_run: false,
      rules: { amount: { max_amounts: { RUB: 200000 }, max_score: 80 }, velocity: { mode: 'dry_run' }, declines: { mode: 'dry_run' } },
    }).expect(200);
    await payAs(shop, CARDS.mastercard, { ip: '192.0.2.44', email: 'bulk.order@example.com' }, { amount: 350000, order_id: 'B-2044' });
    owner = await createMerchantUser(t, { merchantId: merchant.id, role: 'owner', email: 'owner@coffee.example' });
    support = await createMerchantUser(t, { merchantId: merchant.id, role: 'support', email: 'support@coffee.example' });
    browser = await launchChromium();
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.close();
  });
  afterEach(() => {
    assert.deepEqual(problems.splice(0), [], 'no CSP refusals or script errors');
  });

  async function signedIn(user: WebUser, viewport = { width: 1280, height: 900 }, locale = 'en-US'): Promise<Page> {
    const context = await browser.newContext({ viewport, locale });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (m) => {
      // HTTP errors are asserted where expected (the 403 below); a CSP refusal never is.
      if (m.type() === 'error' && /Refused to|Content Security Policy/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await signInPage(page, base, 'dashboard', user);
    return page;
  }

  const shot = (page: Page, name: string): Promise<void> => saveScreenshot(page, `dashboard-${name}`, { fullPage: true });

  it('finds a payment by last 4, refunds part of it after confirming, and sees the refund in the timeline', async () => {
    const page = await signedIn(owner);
    await page.click('.web-nav a[href="/dashboard/payments"]');
    await page.waitForSelector('#payments-table');
    await shot(page, 'payments');
    await page.fill('#payment-search', '4444');
    await Promise.all([page.waitForURL(/q=4444/), page.click('#apply-filters')]);
    const rows = await page.$$eval('#payments-table tbody tr[data-payment-id]', (trs) => trs.map((tr) => tr.getAttribute('data-payment-id')));
    const id = seeded.mastercard[0];
    assert.ok(rows.includes(id), `found by last 4: ${rows.join(', ')}`);
    await Promise.all([page.waitForURL(`**/dashboard/payments/${id}`), page.click(`a.payment-link[href="/dashboard/payments/${id}"]`)]);
    await page.fill('#refund-amount', '500.00');
    await Promise.all([page.waitForSelector('#confirm-screen'), page.click('#refund-button')]);
    assert.match((await page.textContent('#confirm-amount')) ?? '', /500\.00 RUB/);
    await shot(page, 'refund-confirm');
    await Promise.all([page.waitForSelector('#action-done'), page.click('#confirm-button')]);
    assert.equal(await page.textContent('#payment-status'), 'Partly refunded');
    const refundEntries = await page.$$eval('#timeline li[data-kind="refund"]', (lis) => lis.map((li) => li.textContent ?? ''));
    assert.equal(refundEntries.length, 1);
    assert.match(refundEntries[0] ?? '', /succeeded/);
    assert.equal((await shop.get(`/v1/payments/${id}`).expect(200)).body.amount_refunded, 50000);
    await shot(page, 'payment');
  });

  it('shows support no keys: no link, and the page itself is refused', async () => {
    const page = await signedIn(support);
    assert.equal(await page.locator('.web-nav a[href="/dashboard/developers"]').count(), 0);
    const response = await page.goto(`${base}/dashboard/developers`);
    assert.equal(response?.status(), 403);
    const text = (await page.textContent('body')) ?? '';
    assert.ok(!/sk_test_|pk_test_/.test(text));
    assert.equal(await page.locator('#api-keys').count(), 0);
  });

  it('shows the developers, branding (with previews), onboarding and risk screens', async () => {
    const page = await signedIn(owner);
    await page.goto(`${base}/dashboard/developers`);
    await page.fill('#create-key input[name="label"]', 'Checkout server');
    await Promise.all([page.waitForSelector('#issued-key'), page.click('#create-key button[type="submit"]')]);
    assert.match((await page.textContent('#issued-secret')) ?? '', /^sk_test_/);
    await shot(page, 'developers');

    await page.goto(`${base}/dashboard/branding`);
    await page.fill('#branding-form input[name="primary_color"]', '#0a7d32');
    await page.fill('#branding-form input[name="button_style"]', 'rounded');
    await Promise.all([page.waitForSelector('#branding-draft'), page.click('#branding-preview')]);
    // The previews are sandboxed frames; the card form in each is the inert sample island, a frame inside.
    const mobile = page.frameLocator('#preview-mobile').frameLocator('#payment-island');
    await mobile.locator('#pay-button').waitFor();
    await page.frameLocator('#preview-desktop').frameLocator('#payment-island').locator('#pay-button').waitFor();
    const color = await mobile
      .locator('#pay-button')
      .evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    assert.equal(color, 'rgb(10, 125, 50)', 'the draft colour in the preview');
    await shot(page, 'branding');
    await Promise.all([page.waitForSelector('#branding-published'), page.click('#branding-publish')]);
    assert.equal((await shop.get('/v1/branding').expect(200)).body.primary_color, '#0a7d32');

    await page.goto(`${base}/dashboard/onboarding`);
    await page.waitForSelector('#stages');
    await shot(page, 'onboarding');

    await page.goto(`${base}/dashboard/risk`);
    await page.waitForSelector('#review-queue tr[data-review-id]');
    await shot(page, 'risk');
    // The rules form in a real browser: a bad amount is refused beside its field, a dry run shows before saving.
    const rulesBefore = (await shop.get('/v1/risk/rules').expect(200)).body.version;
    await page.fill('[name="rules.amount.max_amounts"]', 'RUB 15000.005');
    await Promise.all([page.waitForSelector('#rules-refused'), page.click('#rules-save-button')]);
    assert.match((await page.textContent('[id="rf-rules.amount.max_amounts-error"]')) ?? '', /at most 2 decimals/);
    assert.equal((await shop.get('/v1/risk/rules').expect(200)).body.version, rulesBefore, 'a refused form saves nothing');
    await page.fill('[name="rules.amount.max_amounts"]', 'RUB 1000.00');
    await Promise.all([page.waitForSelector('#rules-preview'), page.click('#rules-preview-button')]);
    assert.match((await page.textContent('#rules-preview-summary')) ?? '', /Of the last \d+ payments/);
    assert.equal((await shop.get('/v1/risk/rules').expect(200)).body.version, rulesBefore, 'a preview saves nothing');
    await Promise.all([page.waitForSelector('#rules-saved'), page.click('#rules-save-button')]);
    assert.deepEqual((await shop.get('/v1/risk/rules').expect(200)).body.settings.rules.amount.max_amounts, { RUB: 100000 });
  });

  it('is usable on a phone in Arabic (right to left)', async () => {
    const page = await signedIn(owner, { width: 390, height: 844 }, 'ar');
    await page.goto(`${base}/dashboard/payments?lang=ar`);
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    await page.waitForSelector('#payments-table');
    const overflow = await page.evaluate(() => {
      const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
      return g.document.documentElement.scrollWidth - g.innerWidth;
    });
    assert.ok(overflow <= 1, `no sideways scrolling on a phone (${overflow}px)`);
    // Ids are laid out whole (one line box each), and the Arabic labels never wrap inside a word.
    const brokenIds = await page.$$eval('#payments-table .payment-link', (links) =>
      links.filter((a) => a.getClientRects().length !== 1).map((a) => a.textContent ?? ''),
    );
    assert.deepEqual(brokenIds, [], 'payment ids are not cut on a phone');
    const labelWraps = await page.$$eval('#payments-table td', (cells) =>
      cells
        .map(
          (td) =>
            (globalThis as unknown as { getComputedStyle(e: unknown, pseudo: string): { whiteSpace: string } }).getComputedStyle(td, '::before').whiteSpace,
        )
        .filter((w) => w !== 'nowrap'),
    );
    assert.deepEqual(labelWraps, [], 'column labels keep their words whole');
    await shot(page, 'payments-mobile-ar');
  });
});
