import assert from 'node:assert/strict';
import { Browser, Frame, Page } from 'playwright-core';
import { TestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { expiry, pageTokenOf } from '../support/hosted-page';
import { launchChromium } from '../support/browser';
import { saveScreenshot } from '../support/screenshots';
import { createCustomer, saveCardViaApi, startSavedCardsGateway } from '../support/saved-cards';

/** What each language calls the form's amount ("Amount due"): never on a paid page. */
const AMOUNT_DUE: Readonly<Record<string, string>> = { en: 'Amount due', ru: 'К оплате', ar: 'المبلغ المستحق' };
/** 2 499,00 RUB as Intl writes it for each page language (the spaces are no-break spaces). */
const AMOUNT: Readonly<Record<string, string>> = { en: 'RUB\u00a02,499.00', ru: '2\u00a0499,00\u00a0₽', ar: '\u200f2,499.00\u00a0RUB' };
const WIDTHS = [1280, 360] as const;

describe('checkout that earns trust in headless Chromium: brand marks, saved cards, receipt', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let base: string;
  let browser: Browser;
  let customer: string;
  let mirPm: string;
  let strangersLast4: string;

  before(async () => {
    t = await startSavedCardsGateway({ env: { TENDER_PAGE_SUBMITS_PER_IP_PER_MINUTE: '1000' } });
    base = `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
    const merchant = await t.createMerchant('Coffee Beans Ltd');
    // The merchant's time zone, as sign-up or the dashboard sets it (the receipt's date is in it).
    await t.gateway.db('merchants').where({ id: merchant.id }).update({ time_zone: 'Europe/Moscow' });
    shop = new MerchantClient(t.gateway.app, merchant.key);
    customer = await createCustomer(shop, { email: 'anna@example.com', name: 'Anna Buyer' });
    await saveCardViaApi(shop, customer, CARDS.visa, 'on_session');
    mirPm = (await saveCardViaApi(shop, customer, CARDS.mir, 'on_session')).pm;
    // Another buyer of the same shop: their card must never be on Anna's page.
    const stranger = await createCustomer(shop, { email: 'boris@example.com' });
    await saveCardViaApi(shop, stranger, CARDS.mastercard, 'on_session');
    strangersLast4 = CARDS.mastercard.slice(-4);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(overrides: Record<string, unknown>, width: number, locale: string): Promise<{ page: Page; id: string; island: Frame }> {
    const p = await shop.createPayment({
      amount: 249900,
      currency: 'RUB',
      order_id: 'A-1042',
      description: 'Two bags of coffee, 500 g each',
      return_url: 'https://shop.example/return',
      locale,
      ...overrides,
    });
    const page = await (await browser.newContext({ viewport: { width, height: width === 360 ? 780 : 900 }, locale })).newPage();
    await page.goto(`${base}/pay/${pageTokenOf(String(p.payment_url))}`);
    const frame = await (await page.waitForSelector('#payment-island')).contentFrame();
    assert.ok(frame !== null);
    await frame.waitForSelector('#card-form');
    return { page, id: p.id, island: frame };
  }

  /**
   * Lines a label's text takes on screen, counted from the boxes of its text (a wrapped
   * label has two or more), and whether it is cut. Evaluated in the page (the test's
   * TypeScript has no DOM types, so the page code is a string).
   */
  async function linesOf(frame: Frame, selector: string): Promise<{ lines: number; cut: boolean }> {
    return (await frame.evaluate(`(() => {
      const el = document.querySelector(${JSON.stringify(selector)});
      const range = document.createRange();
      range.selectNodeContents(el);
      const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
      return { lines: tops.size, cut: el.scrollWidth > el.clientWidth + 1 };
    })()`)) as { lines: number; cut: boolean };
  }

  /** Every brand mark image matched loaded (a broken SVG has no natural size); their alt texts in order. */
  async function assertMarksLoaded(frame: Frame, selector: string, expected: readonly string[]): Promise<void> {
    const all = `Array.from(document.querySelectorAll(${JSON.stringify(selector)}))`;
    await frame.waitForFunction(`${all}.every((i) => i.complete)`);
    const marks = (await frame.evaluate(`${all}.map((i) => ({ alt: i.alt, src: new URL(i.src).pathname, width: i.naturalWidth }))`)) as Array<{
      alt: string;
      src: string;
      width: number;
    }>;
    assert.deepEqual(
      marks.map((m) => m.alt),
      expected,
    );
    for (const m of marks) assert.ok(m.width > 0 && m.src.endsWith('.svg'), `${m.src} did not load`);
  }

  for (const locale of ['ru', 'en', 'ar'] as const) {
    for (const width of WIDTHS) {
      it(`${locale}, ${width} px: the card form shows the brand marks, the detected brand and a one-line expiry label`, async () => {
        const { page, island } = await open({}, width, locale);
        await assertMarksLoaded(island, '#brand-marks img', ['Mir', 'Visa', 'Mastercard', 'UnionPay']);
        for (const label of ['#card-expiry-label', '#card-cvc-label']) {
          const box = await linesOf(island, label);
          assert.equal(box.lines, 1, `${label} wraps at ${width} px in ${locale}`);
          assert.equal(box.cut, false, `${label} is cut at ${width} px in ${locale}`);
        }
        await island.fill('#card-number', CARDS.mir);
        await island.waitForSelector('#card-brand-mark:not([hidden])');
        assert.equal(await island.textContent('#card-brand-name'), 'Mir');
        assert.match((await island.getAttribute('#card-brand-mark', 'src')) ?? '', /\/pay\/assets\/brand-mir\.svg$/);
        assert.equal(await island.getAttribute('#brand-marks img[data-brand="visa"]', 'data-dim'), 'true');
        assert.equal(await island.getAttribute('#brand-marks img[data-brand="mir"]', 'data-dim'), null);
        await saveScreenshot(page, `checkout-payment-${locale}-${width}`, { fullPage: true });
        await page.context().close();
      });

      it(`${locale}, ${width} px: a recognised buyer picks a saved card above the card form and gets a receipt`, async () => {
        const { page, island, id } = await open({ customer }, width, locale);
        await island.waitForSelector('#saved-card-form');
        const text = (await island.textContent('#saved-card-option')) ?? '';
        assert.match(text, /Visa\s*•••• 4242/);
        assert.match(text, /Mir\s*•••• 0004/);
        assert.equal(text.includes(strangersLast4), false, "another customer's card is never offered");
        await assertMarksLoaded(island, '.saved-card-mark', ['', '']);
        // The saved cards lead; the card form follows, for another card.
        const order = await island.evaluate(`(() => {
          const saved = document.querySelector('#saved-card-form');
          const card = document.querySelector('#card-form');
          return saved !== null && card !== null && (saved.compareDocumentPosition(card) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
        })()`);
        assert.equal(order, true);
        await island.check(`input[name="payment_method"][value="${mirPm}"]`);
        await saveScreenshot(page, `checkout-saved-cards-${locale}-${width}`, { fullPage: true });
        await island.click('#saved-card-pay-button');
        await page.waitForSelector('#receipt');

        const body = (await page.textContent('body')) ?? '';
        assert.equal(body.includes(AMOUNT_DUE[locale]), false, `"${AMOUNT_DUE[locale]}" on a paid page`);
        assert.equal(await page.textContent('#receipt-merchant'), 'Coffee Beans Ltd');
        assert.equal(await page.textContent('#receipt-order'), 'A-1042');
        assert.match((await page.textContent('#receipt-date')) ?? '', /\(Europe\/Moscow\)$/);
        assert.equal(await page.textContent('#result-card'), 'Mir •••• 0004');
        assert.equal(await page.textContent('#amount'), AMOUNT[locale]);
        await assertMarksLoaded(page.mainFrame(), '.receipt-card img', ['']);
        // The status link is a button-like link, not bare text.
        const link = await page.evaluate(
          `(() => { const s = getComputedStyle(document.querySelector('#status-link')); return { border: s.borderTopStyle, display: s.display, decoration: s.textDecorationLine }; })()`,
        );
        assert.deepEqual(link, { border: 'solid', display: 'flex', decoration: 'none' });
        // Nothing overflows the phone's width.
        const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
        assert.ok(overflow <= 0, `the result page is ${overflow} px wider than the screen`);
        await saveScreenshot(page, `checkout-paid-${locale}-${width}`, { fullPage: true });
        await page.context().close();
        const paid = (await shop.get(`/v1/payments/${id}`).expect(200)).body;
        assert.equal(paid.status, 'captured');
        assert.equal(paid.payment_method, mirPm);
      });
    }
  }

  it('"use another card" still pays with a new card typed into the form below the saved cards', async () => {
    const { page, island, id } = await open({ customer }, 360, 'en');
    await island.click('#saved-card-another');
    await island.fill('#card-number', CARDS.mastercard);
    await island.fill('#card-expiry', expiry().replace('/', ''));
    await island.fill('#card-cvc', '123');
    await island.click('#pay-button');
    await page.waitForSelector('#receipt');
    assert.equal(await page.textContent('#result-card'), 'Mastercard •••• 4444');
    await page.context().close();
    const paid = (await shop.get(`/v1/payments/${id}`).expect(200)).body;
    assert.equal(paid.status, 'captured');
    assert.notEqual(paid.payment_method, mirPm);
  });
});
