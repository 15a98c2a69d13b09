import assert from 'node:assert/strict';
import { saveScreenshot } from '../support/screenshots';
import { Browser, Page } from 'playwright-core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { ConnectionHealth } from '@tender/core/dist/routing/connection-health';
import { BankConnectionRepository } from '@tender/core/dist/banks/bank-connection';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { OperatorClient, makeLive } from '../support/operator-client';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';
import { launchChromium } from '../support/browser';
import { createOperatorAccount, signInPage } from '../support/web-session';

describe('console route tester in headless Chromium', function () {
  this.timeout(90_000);
  let t: TestGateway;
  let base: string;
  let browser: Browser;
  let page: Page;
  let merchantId: string;

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, standInBankPlugin(new StandInBankAdapter())] });
    base = `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
    const admin = new OperatorClient(t.gateway.app);
    await admin.post('/admin/v1/banks', { code: 'alfa', name: 'Alfa-Bank', adapter_code: 'standin-bank', currencies: ['RUB'] }).expect(201);
    await admin.post('/admin/v1/banks', { code: 'sber', name: 'Sber', adapter_code: 'standin-bank', currencies: ['RUB'] }).expect(201);
    merchantId = (await makeLive(t.gateway.app, 'Coffee Beans Ltd', 'alfa', 'T0000001')).id;
    // A second contract (stands in for onboarding's), with a failing bank: its breaker is open.
    const sber = await t.gateway.container
      .resolve(BankConnectionRepository)
      .create(
        t.gateway.db,
        { merchantId, livemode: true, bankCode: 'sber', adapterCode: 'standin-bank', bankMerchantId: 'BMS1', terminalId: 'T0000009', currencies: ['RUB'] },
        Date.now(),
      );
    // Ten technical failures: the breaker opens after at least 10 calls at 50 % errors (docs/routing.md).
    for (let i = 0; i < 10; i++) t.gateway.container.resolve(ConnectionHealth).record(sber.id, false, 900);
    await admin
      .put('/admin/v1/routing', {
        rules: [
          {
            id: 'mir-cards',
            priority: 10,
            match: { brands: ['mir'] },
            targets: [
              { bank: 'alfa', weight: 1 },
              { bank: 'sber', weight: 1 },
            ],
          },
        ],
      })
      .expect(200);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signInPage(page, base, 'console', await createOperatorAccount(t, { email: 'ops@tender.example' }));
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the active strategy, and answers the form with the route and its reasons', async () => {
    await page.goto(`${base}/console/routing-tester`);
    assert.equal(await page.textContent('#routing-strategy'), 'Active routing strategy: rules');
    await page.fill('input[name="merchant"]', merchantId);
    await page.fill('input[name="amount"]', '150000');
    await page.fill('input[name="card_bin"]', '220000');
    await page.click('#tester-run');
    await page.waitForSelector('#tester-candidates');
    const candidates = await page.$$eval('#tester-candidates li', (items) => items.map((li) => li.textContent ?? ''));
    assert.equal(candidates.length, 1);
    assert.match(candidates[0], /alfa[\s\S]*operator rule 'mir-cards'/);
    assert.match((await page.textContent('#tester-skipped')) ?? '', /sber[\s\S]*circuit breaker open/);
    assert.equal(await page.inputValue('input[name="merchant"]'), merchantId, 'the form keeps what was asked');
    await saveScreenshot(page, 'console-routing-tester', { fullPage: true });
    assert.equal(Number((await t.gateway.db('payments').count({ n: '*' }).first())?.n), 0, 'the tester creates no payment');
  });

  it('shows a refused field and keeps the form', async () => {
    await page.fill('input[name="amount"]', '1.5');
    await page.click('#tester-run');
    await page.waitForSelector('#console-error');
    assert.match((await page.textContent('#console-error')) ?? '', /^amount:/);
    assert.equal(await page.getAttribute('#tester-amount', 'aria-invalid'), 'true');
    assert.equal(await page.inputValue('input[name="card_bin"]'), '220000');
  });
});
