import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { makeLoopbackServerCertificate } from '../support/tls-server';
import { MerchantClient } from '../support/merchant-client';
import { PayerDevice, admin, enrolPayer, pageTokenOf } from '../support/payer-app';

interface Answer {
  status: number;
  body: { status?: string; error?: { code: string } };
}

/** A real HTTPS request over loopback, with or without a client certificate. */
function post(port: number, serverCa: string, urlPath: string, client: { cert: string; key: string } | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = '{}';
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method: 'POST',
        ca: serverCa,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        ...(client ?? {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('payments from a personal account (TLS client certificate, real handshake on 127.0.0.1)', function () {
  let t: TestGateway;
  let dir: string;
  let port: number;
  let serverCert: string;
  let shop: MerchantClient;
  let device: PayerDevice;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-tls-'));
    const { certFile, keyFile, certificatePem } = makeLoopbackServerCertificate(dir);
    serverCert = certificatePem;
    t = await startTestGateway({ env: { TENDER_TLS_CERT_FILE: certFile, TENDER_TLS_KEY_FILE: keyFile } });
    const merchant = await t.createMerchant();
    shop = new MerchantClient(t.gateway.app, merchant.key);
    await admin(t.gateway.app).post('/ca', { common_name: 'TLS test payer CA' }).expect(201);
    await admin(t.gateway.app).post(`/merchants/${merchant.id}/account-payments`, { enabled: true }).expect(200);
    device = await enrolPayer(t.gateway.app, '40817810000000000001');
    port = (await t.gateway.listen(0, '127.0.0.1')).port;
  });
  after(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pays when the payer presents the certificate in the TLS handshake', async () => {
    const p = await shop.createPayment({ amount: 4200 });
    const answer = await post(port, serverCert, `/pay-account/${pageTokenOf(p)}/confirm`, { cert: device.certificatePem, key: device.keyPem });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'captured');
    const link = await t.gateway.db('account_payments').where({ payment_id: p.id }).first();
    assert.equal(link.authenticated_by, 'tls_client_certificate');
    assert.equal(link.certificate_serial, device.serial);
  });

  it('refuses the same route without a client certificate, and charges nothing', async () => {
    const p = await shop.createPayment({ amount: 4200 });
    const answer = await post(port, serverCert, `/pay-account/${pageTokenOf(p)}/confirm`, undefined);
    assert.equal(answer.status, 401);
    assert.equal(answer.body.error?.code, 'certificate_missing');
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'pending');
    assert.equal((await t.gateway.db('bank_operations').where({ payment_id: p.id })).length, 0);
  });

  it('refuses a revoked certificate in the handshake with certificate_revoked', async () => {
    await admin(t.gateway.app).post(`/certificates/${device.serial}/revoke`, { reason: 'cessationOfOperation' }).expect(200);
    const p = await shop.createPayment({ amount: 4200 });
    const answer = await post(port, serverCert, `/pay-account/${pageTokenOf(p)}/confirm`, { cert: device.certificatePem, key: device.keyPem });
    assert.equal(answer.status, 401);
    assert.equal(answer.body.error?.code, 'certificate_revoked');
    assert.equal((await t.gateway.db('bank_operations').where({ payment_id: p.id })).length, 0);
  });
});
