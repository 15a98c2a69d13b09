import assert from 'node:assert/strict';
import request from 'supertest';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { operatorAccountActor } from '@tender/core/dist/audit/audit-log';
import { ConnectionHealth } from '@tender/core/dist/routing/connection-health';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { COMPANY, OperatorClient, apply, makeLive } from '../support/operator-client';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { payAs, putMerchantRules } from '../support/risk-helpers';
import { launchChromium } from '../support/browser';
import { WebUser, createMerchantUser, createOperatorAccount, signInPage } from '../support/web-session';
import { saveScreenshot } from '../support/screenshots';

const REVIEW_ABOVE_100000 = { rules: { amount: { max_amounts: { RUB: 100000 }, max_score: 80 } } };

describe('operator console in headless Chromium', function () {
  this.timeout(90_000);
  let t: TestGateway;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let operator: WebUser;
  let applicantId: string;
  let heldPaymentId: string;
  const dialogs: string[] = [];

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, accountsPlugin, standInBankPlugin(new StandInBankAdapter())] });
    const address = await t.gateway.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${address.port}`;
    const admin = new OperatorClient(t.gateway.app);
    await admin.post('/admin/v1/banks', { code: 'alfa', name: 'Alfa-Bank', adapter_code: 'standin-bank', currencies: ['RUB', 'USD'] }).expect(201);
    await admin.post('/admin/v1/banks', { code: 'beta', name: 'Beta Processing', adapter_code: 'sandbox', currencies: ['RUB'] }).expect(201);
    // A few merchants in different stages, so the screens have something to show.
    const live = await makeLive(t.gateway.app, 'Coffee Beans Ltd', 'alfa', 'T0000001');
    const slow = await makeLive(t.gateway.app, 'Tea House', 'alfa', 'T0000002');
    await apply(t.gateway.app, 'Flower Shop', 'flowers@shop.example');
    const m = await apply(t.gateway.app, 'Book Corner', 'books@shop.example');
    await request(t.gateway.app).post('/v1/account/registration').set('Authorization', `Bearer ${m.key}`).send(COMPANY).expect(200);
    await request(t.gateway.app).post('/v1/account/bank').set('Authorization', `Bearer ${m.key}`).send({ bank: 'alfa' }).expect(200);
    applicantId = m.id;
    const health = t.gateway.container.resolve(ConnectionHealth);
    const connectionOf = async (merchantId: string): Promise<string> =>
      String((await t.gateway.db('bank_connections').where({ merchant_id: merchantId }).first())!.id);
    for (let i = 0; i < 12; i++) health.record(await connectionOf(live.id), i % 6 !== 0, 120 + i * 5);
    for (let i = 0; i < 10; i++) health.record(await connectionOf(slow.id), false, 900);
    const shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Gadget Store')).key);
    await putMerchantRules(t.gateway.app, shop, REVIEW_ABOVE_100000).expect(200);
    heldPaymentId = (await payAs(shop, CARDS.visa, { email: 'big.spender@example.com', ip: '203.0.113.7' }, { amount: 250000 })).id;
    await payAs(shop, CARDS.visa, { email: 'another@example.com' }, { amount: 180000 });
    await admin.post('/admin/v1/ca', { common_name: 'Tender Payer CA' }).expect(201);
    const payer = (await admin.post('/admin/v1/payers', { name: 'Anna Ivanova', account: { number: '40817810000000000001', bank: 'sandbox' } }).expect(201))
      .body;
    await admin
      .post('/admin/v1/certificates', { payer_id: payer.id, account_id: payer.accounts[0].id, password: 'correct horse 42', validity_days: 365 })
      .expect(201);
    const soon = (
      await admin
        .post('/admin/v1/certificates', { payer_id: payer.id, account_id: payer.accounts[0].id, password: 'correct horse 43', validity_days: 7 })
        .expect(201)
    ).body;
    await admin.post(`/admin/v1/certificates/${soon.serial}/revoke`, { reason: 'keyCompromise' }).expect(200);
    await admin
      .post('/admin/v1/certificates', { payer_id: payer.id, account_id: payer.accounts[0].id, password: 'correct horse 44', validity_days: 10 })
      .expect(201);

    operator = await createOperatorAccount(t, { email: 'ops@tender.example' });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    // Suspend and reject ask for confirmation (the shell's data-confirm); the operator says yes.
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
    await signInPage(page, base, 'console', operator);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const shot = (name: string, target: Page = page): Promise<void> => saveScreenshot(target, `console-${name}`, { fullPage: true });

  it('moves a merchant through approval, contract and go-live', async () => {
    await page.goto(`${base}/console/merchants`);
    assert.equal(await page.textContent('#console-heading'), 'Merchants');
    await shot('merchants');
    await page.click('a[data-stage="bank_chosen"]');
    await page.click(`tr[data-merchant="${applicantId}"] button[data-action="approve"]`);
    await page.waitForSelector('#console-done');
    assert.match((await page.textContent('#merchant-approved')) ?? '', /UTC/);
    await page.fill('#bank_merchant_id', 'BM7788');
    await page.fill('#terminal_ids', 'T-1');
    await page.click('button[data-action="contract"]');
    await page.waitForSelector('#console-error');
    assert.match((await page.textContent('#terminal_ids-error')) ?? '', /terminal ids/);
    assert.equal(await page.getAttribute('#terminal_ids', 'aria-invalid'), 'true');
    await page.fill('#terminal_ids', 'T0007788');
    await page.click('button[data-action="contract"]');
    await page.waitForSelector('#console-done');
    assert.equal(await page.getAttribute('#merchant-stage', 'data-stage'), 'contract_signed');
    await page.click('button[data-action="go_live"]');
    // Going live asks for a confirmation first.
    await page.click('#go-live-confirmed');
    await page.waitForSelector('#console-done');
    assert.equal(await page.getAttribute('#merchant-stage', 'data-stage'), 'live');
    await shot('merchant');
    const entries = await t.gateway.db('audit_log').where({ merchant_id: applicantId }).orderBy('seq');
    assert.deepEqual(
      entries.map((e: { action: string }) => e.action),
      ['merchant.approve', 'merchant.record_contract', 'merchant.go_live'],
    );
    assert.ok(entries.every((e: { actor: string }) => e.actor === operatorAccountActor(operator.accountId)));
  });

  it('refuses an invalid routing rule beside its field, then saves the corrected one', async () => {
    await page.goto(`${base}/console/routing`);
    await page.fill('#rule-0-id', 'rub-to-alfa');
    await page.fill('#rule-0-priority', '10');
    await page.fill('#rule-0-currencies', 'RUB, RUBLES');
    await page.fill('#rule-0-brands', 'mir, visa');
    await page.fill('#rule-0-amount_min', '5000');
    await page.fill('#rule-0-amount_max', '100');
    await page.fill('#rule-0-targets', 'alfa:70, beta:30');
    await page.click('#routing-save');
    await page.waitForSelector('#console-error');
    assert.equal(await page.textContent('#rule-0-currencies-error'), 'must be an ISO 4217 code');
    assert.equal(await page.getAttribute('#rule-0-currencies', 'aria-invalid'), 'true');
    assert.equal(Number((await t.gateway.db('routing_rule_versions').count({ n: '*' }).first())?.n), 0, 'a refused form writes no version');
    await shot('routing');
    await page.fill('#rule-0-currencies', 'RUB');
    await page.click('#routing-save');
    await page.waitForSelector('#console-error');
    assert.equal(await page.textContent('#rule-0-amount_max-error'), 'amount_min must not exceed amount_max');
    await page.fill('#rule-0-amount_max', '');
    await page.click('#routing-save');
    await page.waitForSelector('#console-done');
    const admin = await new OperatorClient(t.gateway.app).get('/admin/v1/routing').expect(200);
    assert.equal(admin.body.version, 1);
    assert.deepEqual(admin.body.rules[0].match, { brands: ['mir', 'visa'], currencies: ['RUB'], amount_min: 5000 });
  });

  it('decides a review in the global queue', async () => {
    await page.goto(`${base}/console/risk`);
    await page.waitForSelector(`tr[data-payment="${heldPaymentId}"]`);
    await shot('risk');
    await page.click(`tr[data-payment="${heldPaymentId}"] button[data-action="reject"]`);
    // A confirmation page, not a browser dialog: it says what rejecting does, and nothing is decided yet.
    await page.waitForSelector('#review-consequence');
    assert.equal((await t.gateway.db('risk_reviews').where({ payment_id: heldPaymentId }).first())!.status, 'open');
    await page.click('#review-confirm-button');
    await page.waitForSelector('#console-done');
    assert.match((await page.textContent('#console-done')) ?? '', /rejected; the payment is now canceled/);
    assert.deepEqual(dialogs, [], 'the confirmation is a page of its own');
    assert.equal(await page.$(`tr[data-payment="${heldPaymentId}"]`), null);
    const review = await t.gateway.db('risk_reviews').where({ payment_id: heldPaymentId }).first();
    assert.deepEqual([review!.status, review!.decided_by], ['rejected', 'operator']);
    assert.equal((await t.gateway.db('payments').where({ id: heldPaymentId }).first())!.status, 'canceled');
  });

  it('opens on the overview, then shows banks, the audit log of these actions and the certificate inventory', async () => {
    await page.goto(`${base}/console`);
    assert.equal(await page.getAttribute('#overview-banks', 'data-troubled'), '1');
    assert.equal(await page.getAttribute('#overview-banks li[data-bank="alfa"] .console-badge', 'class'), 'console-badge console-breaker-open');
    await shot('overview');
    await page.click('#overview-banks h2 a');
    await page.waitForURL(`${base}/console/banks`);
    assert.equal(await page.getAttribute('tr[data-bank="alfa"] [data-breaker]', 'data-breaker'), 'open');
    await shot('banks');
    await page.goto(`${base}/console/audit`);
    const actions = await page.$$eval('#audit-table tr[data-action]', (rows) => rows.map((r) => r.getAttribute('data-action')));
    assert.deepEqual(actions.slice(0, 5), ['risk_review.reject', 'routing.replace', 'merchant.go_live', 'merchant.record_contract', 'merchant.approve']);
    await page.fill('#f-action', 'merchant.');
    await page.click('#audit-filters button[type="submit"]');
    await page.waitForURL(/action=merchant\./);
    const filtered = await page.$$eval('#audit-table tr[data-action]', (rows) => rows.map((r) => r.getAttribute('data-action') ?? ''));
    assert.ok(filtered.length > 0 && filtered.every((a) => a.startsWith('merchant.')));
    await shot('audit');
    await page.goto(`${base}/console/certificates`);
    assert.equal((await page.$$('#certificate-table tbody tr')).length, 3);
    await shot('certificates');
  });

  it('reads right to left in Arabic and fits a phone', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const small = await phone.newPage();
    await signInPage(small, base, 'console', operator);
    await small.goto(`${base}/console/merchants?lang=ar`);
    assert.equal(await small.getAttribute('html', 'dir'), 'rtl');
    assert.equal(await small.textContent('#console-heading'), 'التجار');
    const overflow = Number(await small.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
    await shot('merchants-ar-mobile', small);
    await phone.close();
  });

  it('does not open the console for a merchant user, whatever the page', async () => {
    const owner = await createMerchantUser(t, { role: 'owner' });
    const other = await browser.newContext();
    const shopPage = await other.newPage();
    await signInPage(shopPage, base, 'dashboard', owner);
    const res = await shopPage.goto(`${base}/console/merchants`);
    assert.ok(res);
    assert.equal(await shopPage.$('#merchant-table'), null);
    assert.notEqual(new URL(shopPage.url()).pathname, '/console/merchants', 'sent to the console sign-in, not shown the screen');
    await other.close();
  });
});
