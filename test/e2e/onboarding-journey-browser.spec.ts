import assert from 'node:assert/strict';
import { Browser, Page } from 'playwright-core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS } from '../support/merchant-client';
import { OperatorClient } from '../support/operator-client';
import { expiry } from '../support/hosted-page';
import { launchChromium } from '../support/browser';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';
import { createOperatorAccount, signInPage } from '../support/web-session';

/**
 * Issue 18: a shop owner goes from sign-up to a live payment in Russian, in a real
 * browser, without one API call: every merchant step is a page of the dashboard. The
 * operator works in its console; only offering the banks goes through the operator
 * API (the console has no bank form in this flow). The bank is the stand-in adapter
 * (test/support/standin-bank.ts), standing in for a real acquirer outside Tender.
 */
describe('onboarding journey in Russian, sign-up to a live payment, in headless Chromium', function () {
  this.timeout(120_000);
  const bank = new StandInBankAdapter();
  let t: TestGateway;
  let browser: Browser;
  let base: string;

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, standInBankPlugin(bank)], env: { TENDER_PAGE_SUBMITS_PER_IP_PER_MINUTE: '1000' } });
    base = `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
    browser = await launchChromium();
    const op = new OperatorClient(t.gateway.app);
    await op.post('/admin/v1/banks', { code: 'first', name: 'Первый банк', adapter_code: 'standin-bank', currencies: ['RUB'] }).expect(201);
    await op.post('/admin/v1/banks', { code: 'standin', name: 'Банк-дублёр', adapter_code: 'standin-bank', currencies: ['RUB'] }).expect(201);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const merchantRow = async (email: string): Promise<Record<string, unknown>> => (await t.gateway.db('merchants').where({ email }).first())!;

  it('signs up, registers, chooses and changes the bank, uploads documents, goes live and takes a live payment', async () => {
    const email = 'owner@romashka.example';
    const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // Anything the merchant's browser sends to /v1 would be an API call: there must be none.
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/v1/')) apiCalls.push(r.url());
    });

    // 1. Sign-up, in Russian (Accept-Language), with password, language and time zone.
    await page.goto(`${base}/signup`);
    assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    await page.getByLabel('Название магазина').fill('Ромашка');
    await page.getByLabel('Электронная почта').fill(email);
    await page.getByLabel('Пароль для личного кабинета').fill('ромашка-пароль-1');
    await page.selectOption('#time_zone', 'Asia/Vladivostok');
    await page.getByRole('button', { name: 'Получить тестовые ключи' }).click();
    await page.getByRole('heading', { name: 'Добро пожаловать, Ромашка' }).waitFor();
    const until = (await page.textContent('#test-mode-until')) ?? '';
    assert.match(until, /\(Asia\/Vladivostok\)/, "the end of test mode is in the merchant's zone");
    assert.doesNotMatch(until, /\d{4}-\d{2}-\d{2}T/, 'never a raw ISO timestamp');
    const created = await merchantRow(email);
    assert.equal(created.locale, 'ru');
    assert.equal(created.time_zone, 'Asia/Vladivostok');

    // 2. The next step is one click away: the dashboard, in Russian.
    await page.click('#open-dashboard');
    await page.fill('#email', email);
    await page.fill('#password', 'ромашка-пароль-1');
    await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('#signin-submit')]);
    assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    assert.equal(await page.$('button[data-mode="live"]'), null, 'no Live switch before going live');
    await page.goto(`${base}/dashboard/onboarding`);
    assert.equal((await page.textContent('#next-step-link'))?.trim(), 'Зарегистрируйте компанию');
    assert.match((await page.textContent('#test-mode-until')) ?? '', /Asia\/Vladivostok/);

    // 3. Company registration: a wrong INN is refused on the page, then the right one.
    await page.click('#next-step-link');
    await page.fill('#legal_name', 'ООО «Ромашка»');
    await page.fill('#tax_id', '7707083890');
    await page.fill('#address', 'Москва, ул. Тверская, д. 1');
    await page.fill('#website', 'https://romashka.example');
    await page.fill('#contact_name', 'Иван Петров');
    await page.fill('#contact_phone', '+7 495 123-45-67');
    await page.click('#register-company');
    await page.waitForSelector('#tax_id-error');
    assert.match((await page.textContent('#tax_id-error')) ?? '', /ИНН неверен/);
    assert.equal(await page.getAttribute('#tax_id', 'aria-invalid'), 'true');
    assert.equal((await merchantRow(email)).stage, 'applied', 'nothing changed');
    await page.fill('#tax_id', '7707083893');
    await page.click('#register-company');
    await page.waitForSelector('#onboarding-done');
    assert.equal((await page.textContent('#next-step-link'))?.trim(), 'Выберите банк');
    assert.equal(await page.$('#test-mode-until'), null, 'registered: test mode no longer ends');

    // 4. Bank choice, then a change of mind before the contract.
    await page.selectOption('#bank-select', 'first');
    await page.click('#choose-bank');
    await page.waitForSelector('#onboarding-done');
    assert.equal((await merchantRow(email)).chosen_bank_code, 'first');
    await page.selectOption('#bank-select', 'standin');
    await page.click('#choose-bank');
    await page.waitForSelector('#onboarding-done');
    const chosen = await merchantRow(email);
    assert.equal(chosen.chosen_bank_code, 'standin');
    assert.ok(chosen.bank_chosen_at !== null, 'the bank choice is timed');
    assert.equal((await page.textContent('#next-step-link'))?.trim(), 'Загрузите документы для банка');
    assert.match((await page.textContent('#documents + p')) ?? '', /Загрузите каждый документ здесь/);

    // 5. Documents for the bank, uploaded here.
    const charter = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2048, 0x20), Buffer.from('\n%%EOF\n')]);
    await page.setInputFiles('li[data-requirement="charter"] input[type="file"]', { name: 'Устав.pdf', mimeType: 'application/pdf', buffer: charter });
    await page.click('li[data-requirement="charter"] .upload-form button');
    await page.waitForSelector('li[data-requirement="charter"] .document-link');
    assert.equal((await page.textContent('li[data-requirement="charter"] .document-link'))?.trim(), 'Устав.pdf');
    const own = await page.request.get(`${base}${await page.getAttribute('li[data-requirement="charter"] .document-link', 'href')}`);
    assert.equal(own.status(), 200);
    assert.ok(Buffer.from(await own.body()).equals(charter), 'the owner downloads what it uploaded');

    // 6. The operator, in its console: the queue, the document, approval, contract, live (confirmed).
    const merchantId = String(chosen.id);
    const operator = await createOperatorAccount(t);
    const opContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const opPage = await opContext.newPage();
    await signInPage(opPage, base, 'console', operator);
    await opPage.goto(`${base}/console/merchants`);
    assert.ok((await opPage.$(`#applications-queue tr[data-merchant="${merchantId}"]`)) !== null, 'the application is in the queue');
    await opPage.goto(`${base}/console/merchants/${merchantId}`);
    const docHref = await opPage.getAttribute('#merchant-documents .document-link', 'href');
    const fetched = await opPage.request.get(`${base}${docHref}`);
    assert.ok(Buffer.from(await fetched.body()).equals(charter), 'the operator reads the document');
    await opPage.click('button[data-action="approve"]');
    await opPage.waitForSelector('#console-done');
    await opPage.fill('#bank_merchant_id', '000000001234567');
    await opPage.fill('#terminal_ids', 'T0000001');
    await opPage.click('button[data-action="contract"]');
    await opPage.waitForSelector('#console-done');
    await opPage.click('button[data-action="go_live"]');
    await opPage.waitForSelector('#go-live-confirm');
    assert.equal((await merchantRow(email)).stage, 'contract_signed', 'not live before the confirmation');
    await opPage.click('#go-live-confirmed');
    await opPage.waitForSelector('#console-done');
    const live = await merchantRow(email);
    assert.equal(live.stage, 'live');
    assert.ok(live.contract_signed_at !== null && live.live_at !== null, 'contract and live are timed');
    await opContext.close();

    // 7. Live: the bank's list is gone, the next step is the live keys, the Live switch asks first.
    await page.goto(`${base}/dashboard/onboarding`);
    assert.equal(await page.$('#bank-requirements'), null);
    assert.equal(await page.getAttribute('#next-step-link', 'href'), '/dashboard/developers');
    await page.click('button[data-mode="live"]');
    await page.waitForSelector('#confirm-live');
    await Promise.all([page.waitForURL(`${base}/dashboard/onboarding`), page.click('#confirm-live')]);
    await page.goto(`${base}/dashboard/developers`);
    assert.match((await page.textContent('#html-snippet')) ?? '', /pk_live_/);
    assert.doesNotMatch((await page.textContent('#html-snippet')) ?? '', /pk_test_/);

    // 8. A live payment link made in the dashboard, paid by a buyer on the hosted page.
    await page.fill('form[action="/dashboard/developers/links"] input[name="description"]', 'Букет ромашек');
    await page.fill('form[action="/dashboard/developers/links"] input[name="amount"]', '2500');
    await page.selectOption('form[action="/dashboard/developers/links"] select[name="currency"]', 'RUB');
    await page.click('form[action="/dashboard/developers/links"] button');
    await page.waitForSelector('#created-link a');
    const linkPath = new URL((await page.getAttribute('#created-link a', 'href')) ?? '').pathname;
    const buyer = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
    await buyer.goto(`${base}${linkPath}`);
    await buyer.click('#link-button');
    const island = buyer.frameLocator('#payment-island');
    await island.locator('#card-number').fill(CARDS.visa);
    await island.locator('#card-expiry').fill(expiry().replace('/', ''));
    await island.locator('#card-cvc').fill('123');
    await island.locator('#card-name').fill('Anna Buyer');
    await island.locator('#pay-button').click();
    await buyer.waitForSelector('#result-title');
    const payment = await t.gateway.db('payments').where({ merchant_id: merchantId, livemode: true }).first();
    assert.equal(payment!.status, 'captured');
    assert.equal(Number(payment!.amount), 250000);
    assert.equal(bank.authorizations.length, 1, 'the live payment went to the contracted bank');
    assert.equal(bank.authorizations[0]?.connection.terminalId, 'T0000001');
    assert.deepEqual(apiCalls, [], 'the merchant made no API call');
    await context.close();
  });

  it('changes the language and time zone from the dashboard', async () => {
    const page: Page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await page.goto(`${base}/signup?lang=en`);
    await page.getByLabel('Shop name').fill('Tea House');
    await page.getByLabel('E-mail').fill('owner@tea.example');
    await page.getByLabel('Password for your dashboard').fill('tea house password');
    await page.getByRole('button', { name: 'Get test keys' }).click();
    await page.click('#open-dashboard');
    await page.fill('#email', 'owner@tea.example');
    await page.fill('#password', 'tea house password');
    await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('#signin-submit')]);
    await page.goto(`${base}/dashboard/onboarding`);
    assert.match((await page.textContent('#test-mode-until')) ?? '', /\(UTC\)/);
    await page.selectOption('#preferences-form select[name="locale"]', 'ar');
    await page.selectOption('#preferences-form select[name="time_zone"]', 'Asia/Dubai');
    await page.click('#preferences-form button');
    await page.waitForSelector('#onboarding-done');
    assert.equal(await page.getAttribute('html', 'lang'), 'ar');
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    assert.match((await page.textContent('#test-mode-until')) ?? '', /\(Asia\/Dubai\)/);
    const row = await merchantRow('owner@tea.example');
    assert.equal(row.locale, 'ar');
    assert.equal(row.time_zone, 'Asia/Dubai');
  });
});
