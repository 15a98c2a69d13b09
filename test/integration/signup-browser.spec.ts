import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Browser, chromium } from 'playwright-core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';

const CHROMIUM = '/usr/bin/chromium';

describe('the sign-up page in headless Chromium', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let browser: Browser;
  let base: string;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs the Debian chromium package`);
    t = await startTestGateway();
    const address = await t.gateway.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('works on a phone-sized screen: labelled fields, errors tied to fields, keys shown once', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(`${base}/signup`);
    assert.equal(await page.title(), 'Sign up · Tender');
    assert.ok(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth'), 'no sideways scrolling on a phone');

    await page.getByLabel('Shop name').fill('Browser Shop');
    await page.getByLabel('E-mail').fill('not an address');
    await page.getByRole('button', { name: 'Get test keys' }).click();
    await page.getByRole('alert').waitFor();
    const email = page.getByLabel('E-mail');
    assert.equal(await email.getAttribute('aria-invalid'), 'true');
    assert.match((await email.getAttribute('aria-describedby')) ?? '', /email-error/);
    assert.equal(await page.getByLabel('Shop name').inputValue(), 'Browser Shop', 'what was typed is kept');

    await email.fill('browser@shop.example');
    await page.getByLabel('Password for your dashboard').fill('browser shop password');
    await page.getByRole('button', { name: 'Get test keys' }).click();
    await page.getByRole('heading', { name: 'Welcome, Browser Shop' }).waitFor();
    const key = (await page.locator('#test-secret-key').textContent()) ?? '';
    assert.match(key, /^sk_test_/);
    await new MerchantClient(t.gateway.app, key).get('/v1/account/onboarding').expect(200);
    await page.close();
  });
});
