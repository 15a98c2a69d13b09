import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { makeLoopbackServerCertificate } from '../support/tls-server';
import { MerchantClient } from '../support/merchant-client';
import { PayerDevice, admin, enrolPayer, pageTokenOf } from '../support/payer-app';
import { islandOf } from '../support/hosted-page';

interface PageReply {
  status: number;
  location: string | undefined;
  html: string;
}

type ClientCertificate = { cert: string; key: string } | undefined;

/** A real HTTPS request to the gateway on 127.0.0.1, as a browser with (or without) an installed certificate sends it. */
function send(
  port: number,
  serverCa: string,
  method: 'GET' | 'POST',
  urlPath: string,
  client: ClientCertificate,
  form?: Record<string, string>,
): Promise<PageReply> {
  return new Promise((resolve, reject) => {
    const body = form === undefined ? '' : new URLSearchParams(form).toString();
    const headers = form === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) };
    // A fresh agent per request: a reused TLS session must not carry another test's certificate.
    const req = https.request({ host: '127.0.0.1', port, path: urlPath, method, ca: serverCa, headers, agent: false, ...(client ?? {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, html: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function formTokenIn(html: string): string {
  const m = /id="account-form"[\s\S]*?name="form_token" value="([0-9a-f]{76})"/.exec(html);
  assert.ok(m !== null, 'the page has an account form with a form token');
  return m[1];
}

describe('hosted page: pay from personal account (TLS client certificate, real handshake on 127.0.0.1)', function () {
  let t: TestGateway;
  let dir: string;
  let port: number;
  let serverCert: string;
  let shop: MerchantClient;
  let shopKey: string;
  let otherShop: MerchantClient;
  let device: PayerDevice;
  let revoked: PayerDevice;

  // A payment page frames its payment form island (/pay/<token>/fields): a page answer here is the page's
  // HTML followed by its island's, as the browser would load both.
  const withIsland = async (answer: Awaited<ReturnType<typeof send>>, client: ClientCertificate) => {
    const src = /id="payment-island" src="([^"]+)"/.exec(answer.html)?.[1];
    if (src === undefined) return answer;
    return { ...answer, html: `${answer.html}\n${(await send(port, serverCert, 'GET', src.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='), client)).html}` };
  };
  const get = async (p: string, client: ClientCertificate = undefined) => withIsland(await send(port, serverCert, 'GET', p, client), client);
  const post = async (p: string, form: Record<string, string>, client: ClientCertificate) =>
    withIsland(await send(port, serverCert, 'POST', p, client, form), client);
  const certOf = (d: PayerDevice) => ({ cert: d.certificatePem, key: d.keyPem });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-page-tls-'));
    const { certFile, keyFile, certificatePem } = makeLoopbackServerCertificate(dir);
    serverCert = certificatePem;
    t = await startTestGateway({ env: { TENDER_TLS_CERT_FILE: certFile, TENDER_TLS_KEY_FILE: keyFile } });
    const merchant = await t.createMerchant();
    shop = new MerchantClient(t.gateway.app, merchant.key);
    shopKey = merchant.key;
    otherShop = new MerchantClient(t.gateway.app, (await t.createMerchant('No Accounts Shop')).key);
    await admin(t.gateway.app).post('/ca', { common_name: 'Page test payer CA' }).expect(201);
    await admin(t.gateway.app).post(`/merchants/${merchant.id}/account-payments`, { enabled: true }).expect(200);
    device = await enrolPayer(t.gateway.app, '40817810000000000001');
    revoked = await enrolPayer(t.gateway.app, '40817810000000000002');
    await admin(t.gateway.app).post(`/certificates/${revoked.serial}/revoke`, { reason: 'keyCompromise' }).expect(200);
    port = (await t.gateway.listen(0, '127.0.0.1')).port;
  });
  after(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const nothingCharged = async (paymentId: string) => {
    assert.equal((await shop.get(`/v1/payments/${paymentId}`)).body.status, 'pending');
    assert.equal((await t.gateway.db('bank_operations').where({ payment_id: paymentId })).length, 0);
    assert.equal((await t.gateway.db('account_payments').where({ payment_id: paymentId })).length, 0);
  };

  it('offers the option only when the merchant enables account payments', async () => {
    const on = await get(`/pay/${pageTokenOf(await shop.createPayment({ amount: 4200 }))}`);
    assert.equal(on.status, 200);
    assert.match(on.html, /id="card-form"/);
    assert.match(on.html, /id="account-form"/);
    assert.match(on.html, /Pay from personal account/);
    // The option's look is the plugin's style sheet, in the island under its CSP nonce; the theme has none of it.
    assert.match(on.html, /<style nonce="[^"]+">[^<]*\.account-option \{/);
    const theme = await get('/pay/assets/theme.css');
    assert.equal(theme.status, 200);
    assert.match(theme.html, /\.pay-button/);
    assert.doesNotMatch(theme.html, /account-option/);
    const off = await get(`/pay/${pageTokenOf(await otherShop.createPayment({ amount: 4200 }))}`);
    assert.equal(off.status, 200);
    assert.match(off.html, /id="card-form"/);
    assert.doesNotMatch(off.html, /account-option/);
  });

  it('is localised (ru, ar)', async () => {
    const ru = await get(`/pay/${pageTokenOf(await shop.createPayment({ amount: 4200, locale: 'ru' }))}`);
    assert.match(ru.html, /Оплатить с личного счёта/);
    const ar = await get(`/pay/${pageTokenOf(await shop.createPayment({ amount: 4200, locale: 'ar' }))}`);
    assert.match(ar.html, /الدفع من الحساب الشخصي/);
  });

  it('pays from the sandbox account with the browser certificate, then shows the result with the signed return link', async () => {
    const p = await shop.createPayment({ amount: 4200, return_url: 'https://shop.example/return' });
    const token = pageTokenOf(p);
    const page = await get(`/pay/${token}`, certOf(device));
    const answer = await post(`/pay/${token}/account`, { form_token: formTokenIn(page.html), account_number: device.accountNumber }, certOf(device));
    assert.equal(answer.status, 303, answer.html);
    assert.equal(answer.location, `/pay/${token}`);
    const result = await get(`/pay/${token}`);
    assert.match(result.html, /id="result-title">Payment successful</);
    assert.match(result.html, /href="https:\/\/shop\.example\/return\?[^"]*status&#x3D;captured[^"]*signature&#x3D;[0-9a-f]{64}" id="return-link"/);
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'captured');
    const link = await t.gateway.db('account_payments').where({ payment_id: p.id }).first();
    assert.equal(link.authenticated_by, 'tls_client_certificate');
    assert.equal(link.certificate_serial, device.serial);
    const events = await t.gateway.db('events').where({ object_id: p.id }).orderBy('seq');
    assert.deepEqual(
      events.map((e: { type: string }) => e.type),
      ['payment.created', 'payment.processing', 'payment.captured'],
    );
  });

  it('authorizes a manual-capture payment the same way', async () => {
    const p = await shop.createPayment({ amount: 4200, capture_method: 'manual' });
    const token = pageTokenOf(p);
    const page = await get(`/pay/${token}`);
    const answer = await post(`/pay/${token}/account`, { form_token: formTokenIn(page.html), account_number: device.accountNumber }, certOf(device));
    assert.equal(answer.status, 303, answer.html);
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'authorized');
  });

  it('shows certificate_missing next to the field when the browser presents no certificate, and charges nothing', async () => {
    const p = await shop.createPayment({ amount: 4200 });
    const token = pageTokenOf(p);
    const page = await get(`/pay/${token}`);
    const answer = await post(`/pay/${token}/account`, { form_token: formTokenIn(page.html), account_number: device.accountNumber }, undefined);
    assert.equal(answer.status, 401);
    assert.match(answer.html, /id="account-number-error"[^>]*data-code="certificate_missing"/);
    assert.match(answer.html, /did not present a payer certificate/);
    assert.match(answer.html, /value="40817810000000000001"/);
    await nothingCharged(p.id);
  });

  it('refuses a revoked certificate with certificate_revoked, and charges nothing', async () => {
    const p = await shop.createPayment({ amount: 4200 });
    const token = pageTokenOf(p);
    const page = await get(`/pay/${token}`);
    const answer = await post(`/pay/${token}/account`, { form_token: formTokenIn(page.html), account_number: revoked.accountNumber }, certOf(revoked));
    assert.equal(answer.status, 401);
    assert.match(answer.html, /data-code="certificate_revoked"/);
    await nothingCharged(p.id);
  });

  it('refuses a certificate bound to another account with certificate_not_bound, and a bad number as a field error', async () => {
    const p = await shop.createPayment({ amount: 4200 });
    const token = pageTokenOf(p);
    const notBound = await post(
      `/pay/${token}/account`,
      { form_token: formTokenIn((await get(`/pay/${token}`)).html), account_number: revoked.accountNumber },
      certOf(device),
    );
    assert.equal(notBound.status, 401);
    assert.match(notBound.html, /data-code="certificate_not_bound"/);
    const bad = await post(`/pay/${token}/account`, { form_token: formTokenIn(notBound.html), account_number: '12-34' }, certOf(device));
    assert.equal(bad.status, 400);
    assert.match(bad.html, /data-code="parameter_invalid"/);
    await nothingCharged(p.id);
  });

  it('charges once when the same form is posted twice (one-time form token)', async () => {
    const p = await shop.createPayment({ amount: 4200 });
    const token = pageTokenOf(p);
    const formToken = formTokenIn((await get(`/pay/${token}`)).html);
    const fields = { form_token: formToken, account_number: device.accountNumber };
    assert.equal((await post(`/pay/${token}/account`, fields, certOf(device))).status, 303);
    const again = await post(`/pay/${token}/account`, fields, certOf(device));
    assert.equal(again.status, 303);
    assert.equal(again.location, `/pay/${token}`);
    assert.equal((await t.gateway.db('bank_operations').where({ payment_id: p.id })).length, 1);
    assert.equal((await t.gateway.db('account_payments').where({ payment_id: p.id })).length, 1);
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'captured');
  });

  it('refuses a post without a valid form token (CSRF), charging nothing', async () => {
    const p = await shop.createPayment({ amount: 4200 });
    const answer = await post(`/pay/${pageTokenOf(p)}/account`, { form_token: 'A'.repeat(32), account_number: device.accountNumber }, certOf(device));
    assert.equal(answer.status, 303);
    await nothingCharged(p.id);
  });

  // Last: it changes the merchant's branding.
  it('shows the option in a merchant template that includes the account_option partial', async () => {
    const template = '<main class="page">{{> order_summary}}{{> card_form}}{{#if account}}{{> account_option}}{{/if}}</main>';
    await request(t.gateway.app).put('/v1/branding').set('Authorization', `Bearer ${shopKey}`).send({ template }).expect(200);
    const p = await shop.createPayment({ amount: 4200 });
    const page = await get(`/pay/${pageTokenOf(p)}`);
    assert.match(page.html, /id="account-form"/);
    const answer = await post(`/pay/${pageTokenOf(p)}/account`, { form_token: formTokenIn(page.html), account_number: device.accountNumber }, certOf(device));
    assert.equal(answer.status, 303, answer.html);
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'captured');
  });
});

describe('hosted page: pay from personal account when the gateway does not serve HTTPS itself', function () {
  let t: TestGateway;

  before(async () => {
    t = await startTestGateway();
  });
  after(async () => {
    await t.close();
  });

  it('explains that the payer app confirms, instead of showing a form that cannot work', async () => {
    const merchant = await t.createMerchant();
    await admin(t.gateway.app).post(`/merchants/${merchant.id}/account-payments`, { enabled: true }).expect(200);
    const p = await new MerchantClient(t.gateway.app, merchant.key).createPayment({ amount: 4200 });
    const token = pageTokenOf(p);
    const page = await islandOf(t.gateway.app, (await request(t.gateway.app).get(`/pay/${token}`).expect(200)).text);
    assert.match(page, /id="account-option"/);
    assert.doesNotMatch(page, /id="account-form"/);
    assert.match(page, /payer app/);
    assert.match(page, new RegExp(`id="account-app-path">/pay-account/${token}/confirm<`));
  });
});
