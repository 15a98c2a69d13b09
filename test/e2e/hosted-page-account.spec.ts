import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser, BrowserContext } from 'playwright-core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';
import { PayerDevice, admin, enrolPayer, pageTokenOf } from '../support/payer-app';
import { launchChromium } from '../support/browser';
import { makeLoopbackServerCertificate } from '../support/tls-server';

// The gateway serves HTTPS itself on 127.0.0.1; Chromium presents the payer's
// certificate through playwright-core's `clientCertificates` (the way a browser with
// the PKCS#12 imported would). The server certificate is self-signed, hence
// ignoreHTTPSErrors; the client certificate is checked by Tender, not skipped.
describe('hosted page: pay from personal account in headless Chromium (TLS client certificate)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let dir: string;
  let origin: string;
  let shop: MerchantClient;
  let device: PayerDevice;
  let browser: Browser;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-page-tls-e2e-'));
    const { certFile, keyFile } = makeLoopbackServerCertificate(dir);
    t = await startTestGateway({ env: { TENDER_TLS_CERT_FILE: certFile, TENDER_TLS_KEY_FILE: keyFile } });
    const merchant = await t.createMerchant();
    shop = new MerchantClient(t.gateway.app, merchant.key);
    await admin(t.gateway.app).post('/ca', { common_name: 'Browser test payer CA' }).expect(201);
    await admin(t.gateway.app).post(`/merchants/${merchant.id}/account-payments`, { enabled: true }).expect(200);
    device = await enrolPayer(t.gateway.app, '40817810000000000001');
    origin = `https://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const contextWith = (withCertificate: boolean): Promise<BrowserContext> =>
    browser.newContext({
      ignoreHTTPSErrors: true,
      // The option must work without JavaScript.
      javaScriptEnabled: false,
      ...(withCertificate ? { clientCertificates: [{ origin, cert: Buffer.from(device.certificatePem), key: Buffer.from(device.keyPem) }] } : {}),
    });

  it('pays from the account with the browser certificate, JavaScript off', async () => {
    const p = await shop.createPayment({ amount: 4200 });
    const context = await contextWith(true);
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/pay/${pageTokenOf(p)}`);
      // The option is in the payment form island (its own document); its form posts to the page (target _parent).
      const island = page.frameLocator('#payment-island');
      assert.equal(await island.locator('#account-option-title').textContent(), 'Pay from personal account');
      // The plugin's own style sheet is applied (the island's CSP lets its nonce'd <style> through): the rule above the option.
      assert.equal(
        await island
          .locator('#account-option')
          .evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopStyle: string } }).getComputedStyle(el).borderTopStyle),
        'solid',
      );
      await island.locator('#account-number').fill(device.accountNumber);
      await Promise.all([page.waitForURL(`${origin}/pay/${pageTokenOf(p)}`), island.locator('#account-pay-button').click()]);
      assert.equal(await page.textContent('#result-title'), 'Payment successful');
    } finally {
      await context.close();
    }
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'captured');
  });

  it('shows certificate_missing next to the field when the browser has no certificate, and charges nothing', async () => {
    const p = await shop.createPayment({ amount: 4200 });
    const context = await contextWith(false);
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/pay/${pageTokenOf(p)}`);
      const island = page.frameLocator('#payment-island');
      await island.locator('#account-number').fill(device.accountNumber);
      await Promise.all([page.waitForLoadState('load'), island.locator('#account-pay-button').click()]);
      await island.locator('#account-number-error[data-code="certificate_missing"]').waitFor();
    } finally {
      await context.close();
    }
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'pending');
    assert.equal((await t.gateway.db('bank_operations').where({ payment_id: p.id })).length, 0);
  });
});
