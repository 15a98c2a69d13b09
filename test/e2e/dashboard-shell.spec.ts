import assert from 'node:assert/strict';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { FixedClock } from '@tender/core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { launchChromium } from '../support/browser';
import { WebUser, createMerchantUser, createOperatorAccount, markLive, signInPage } from '../support/web-session';
import { saveScreenshot } from '../support/screenshots';

const DAY = 86_400_000;

describe('dashboard shell in headless Chromium', function () {
  this.timeout(90_000);
  // A fixed clock: the payments below fall on known days, and "today" stays today.
  const clock = new FixedClock(Date.parse('2026-06-03T09:00:00Z'));
  let t: TestGateway;
  let base: string;
  let browser: Browser;
  let owner: WebUser;
  let support: WebUser;
  const cspViolations: string[] = [];

  before(async () => {
    t = await startTestGateway({ clock });
    const merchant = await t.createMerchant('Coffee Beans Ltd');
    const api = new MerchantClient(t.gateway.app, merchant.key);
    // Two weeks of payments: mostly approved, some declines, growing a little each day.
    for (let day = 0; day < 14; day++) {
      for (let i = 0; i < 2 + (day % 4); i++) await api.pay(CARDS.visa, { amount: 120000 + day * 15000 + i * 7000 });
      await api.pay(day % 3 === 0 ? CARDS.insufficientFunds : CARDS.doNotHonor, { amount: 50000 });
      if (day % 5 === 0) await api.pay(CARDS.expiredCard, { amount: 30000 });
      clock.advance(DAY);
    }
    for (let i = 0; i < 3; i++) await api.pay(CARDS.mastercard, { amount: 210000 + i * 9900 });
    await api.pay(CARDS.doNotHonor, { amount: 40000 });
    owner = await createMerchantUser(t, { merchantId: merchant.id, role: 'owner', email: 'anna@coffeebeans.example' });
    support = await createMerchantUser(t, { merchantId: merchant.id, role: 'support' });
    // Live mode is offered only to a merchant in production.
    await markLive(t, merchant.id);
    base = `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(viewport = { width: 1280, height: 900 }, locale = 'en-GB'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, locale });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    return { context, page };
  }

  const noHorizontalScroll = async (page: Page): Promise<void> => {
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    const viewport = page.viewportSize()?.width ?? 0;
    assert.ok(width <= viewport, `${page.url()} is ${width}px wide at ${viewport}px`);
  };

  it('signs in through the form and shows the home page with both charts drawn', async () => {
    const { context, page } = await open({ width: 1280, height: 800 });
    await page.goto(`${base}/dashboard`);
    assert.match(new URL(page.url()).pathname, /^\/dashboard\/signin$/);
    await saveScreenshot(page, 'dashboard-signin');
    await page.fill('#email', owner.email);
    await page.fill('#password', 'not the password');
    await page.click('#signin-submit');
    assert.match((await page.textContent('#signin-error')) ?? '', /not right/);
    await signInPage(page, base, 'dashboard', owner);
    await page.waitForSelector('#chart-volume[data-rendered="true"] canvas');
    await page.waitForSelector('#chart-approval[data-rendered="true"] canvas');
    const canvas = (await page.evaluate("(() => { const c = document.querySelector('#chart-volume canvas'); return { w: c.width, h: c.height }; })()")) as {
      w: number;
      h: number;
    };
    assert.ok(canvas.w > 200 && canvas.h > 100, JSON.stringify(canvas));
    assert.equal(await page.getAttribute('#stats-today', 'data-count'), '4');
    assert.match((await page.textContent('#declines')) ?? '', /Declined by the issuer/);
    assert.deepEqual(cspViolations, []);
    await saveScreenshot(page, 'dashboard-home', { fullPage: true });
    await context.close();
  });

  it('lays the dashboard out right to left in Arabic', async () => {
    const { context, page } = await open({ width: 1280, height: 900 }, 'ar');
    await signInPage(page, base, 'dashboard', owner);
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    assert.equal(await page.getAttribute('html', 'lang'), 'ar');
    assert.equal(await page.evaluate('getComputedStyle(document.body).direction'), 'rtl');
    await page.waitForSelector('#chart-volume[data-rendered="true"] canvas');
    assert.match((await page.textContent('h1')) ?? '', /الرئيسية/);
    await context.close();
  });

  it('has no horizontal scroll at 360 px on the sign-in, home, team and security screens', async () => {
    const { context, page } = await open({ width: 360, height: 780 }, 'ru');
    await page.goto(`${base}/dashboard/signin`);
    await noHorizontalScroll(page);
    await signInPage(page, base, 'dashboard', owner);
    await page.waitForSelector('#chart-approval[data-rendered="true"] canvas');
    await noHorizontalScroll(page);
    if (process.env.TENDER_MOBILE_SHOT !== undefined) await page.screenshot({ path: process.env.TENDER_MOBILE_SHOT, fullPage: true });
    for (const screen of ['team', 'security']) {
      await page.goto(`${base}/dashboard/${screen}`);
      await noHorizontalScroll(page);
    }
    await page.goto(`${base}/dashboard?lang=ar`);
    await page.waitForSelector('#chart-volume[data-rendered="true"] canvas');
    await noHorizontalScroll(page);
    await context.close();
  });

  it('hides the team screen from support and refuses it when opened directly', async () => {
    const { context, page } = await open();
    await signInPage(page, base, 'dashboard', support);
    assert.equal(await page.$('nav a[href="/dashboard/team"]'), null);
    const res = await page.goto(`${base}/dashboard/team`);
    assert.equal(res?.status(), 403);
    await page.waitForSelector('#forbidden');
    await context.close();
  });

  it('switches to live mode and signs out from the account menu', async () => {
    const { context, page } = await open();
    await signInPage(page, base, 'dashboard', owner);
    assert.ok((await page.$('.test-banner')) !== null);
    await page.click('button[data-mode="live"]');
    // Going live asks first: real money from here on.
    await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('#confirm-live')]);
    assert.equal(await page.$('.test-banner'), null);
    assert.equal(await page.getAttribute('#stats-today', 'data-count'), '0');
    await page.click('.web-account summary');
    await Promise.all([page.waitForURL(/\/dashboard\/signin$/), page.click('#signout')]);
    await page.goto(`${base}/dashboard`);
    assert.match(new URL(page.url()).pathname, /\/dashboard\/signin$/);
    await context.close();
  });

  it('signs an operator in to the console', async () => {
    const operator = await createOperatorAccount(t);
    const { context, page } = await open();
    await signInPage(page, base, 'console', operator);
    assert.match((await page.textContent('h1')) ?? '', /Operator console/);
    assert.deepEqual(cspViolations, []);
    await context.close();
  });
});
