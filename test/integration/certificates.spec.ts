import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { admin } from '../support/payer-app';
import { getBinary, openssl } from '../support/strict-x509';

describe('certificate authority: issue, revoke, CRL (OpenSSL interop)', function () {
  let t: TestGateway;
  let dir: string;
  let caFile: string;
  let payerId: string;
  let accountId: string;
  const write = (name: string, data: string | Buffer): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, data);
    return file;
  };

  before(async () => {
    t = await startTestGateway();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-ca-'));
    const ca = await admin(t.gateway.app).post('/ca', { common_name: 'Test PSP payer CA', organization: 'Test PSP' }).expect(201);
    caFile = write('ca.pem', ca.body.certificate_pem);
    const payer = await admin(t.gateway.app)
      .post('/payers', { name: 'Anna', email: 'anna@example.com', account: { number: '40817810000000000001', bank: 'sandbox' } })
      .expect(201);
    payerId = payer.body.id;
    accountId = payer.body.accounts[0].id;
  });
  after(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the CA certificate (PEM by default, DER on request) and keeps its key sealed', async () => {
    const pem = await request(t.gateway.app).get('/ca/certificate').expect(200);
    assert.match(pem.text, /^-----BEGIN CERTIFICATE-----/);
    const der = await getBinary(t.gateway.app, '/ca/certificate?format=der');
    assert.equal(der.headers['content-type'], 'application/pkix-cert');
    const text = openssl(['x509', '-inform', 'DER', '-in', write('ca.der', der.body as Buffer), '-noout', '-text']);
    assert.match(text.out, /CA:TRUE/);
    const row = await t.gateway.db('certificate_authorities').first();
    assert.doesNotMatch(String(row.key_ciphertext), /PRIVATE KEY/);
    assert.doesNotMatch(Buffer.from(String(row.key_ciphertext), 'base64').toString('latin1'), /PRIVATE KEY/);
    const again = await admin(t.gateway.app).post('/ca', { common_name: 'Second CA' }).expect(409);
    assert.equal(again.body.error.code, 'certificate_authority_exists');
  });

  it('issues a password-protected PKCS#12 that openssl opens, and a certificate openssl verifies', async () => {
    const issued = await admin(t.gateway.app)
      .post('/certificates', { payer_id: payerId, account_id: accountId, password: 'correct horse 42', validity_days: 30 })
      .expect(201);
    const p12 = write('payer.p12', Buffer.from(issued.body.pkcs12, 'base64'));
    const info = openssl(['pkcs12', '-info', '-in', p12, '-passin', 'pass:correct horse 42', '-nodes']);
    assert.equal(info.status, 0, info.out);
    assert.match(info.out, /BEGIN PRIVATE KEY/);
    assert.match(info.out, new RegExp(`subject=CN\\s?=\\s?${payerId}`));
    assert.notEqual(openssl(['pkcs12', '-info', '-in', p12, '-passin', 'pass:wrong password', '-nodes']).status, 0);

    const certFile = write('payer.pem', issued.body.certificate_pem);
    const verified = openssl(['verify', '-CAfile', caFile, '-purpose', 'sslclient', certFile]);
    assert.equal(verified.status, 0, verified.out);
    assert.match(verified.out, /OK/);
    const text = openssl(['x509', '-in', certFile, '-noout', '-text']).out;
    assert.match(text, /Digital Signature/);
    assert.match(text, /TLS Web Client Authentication/);
    assert.match(text, new RegExp(`Subject: CN\\s?=\\s?${payerId}, OU\\s?=\\s?${accountId}`));
    const days = (Date.parse(issued.body.not_after) - Date.parse(issued.body.not_before)) / 86_400_000;
    assert.ok(days > 30 && days < 30.01, String(days));
    assert.match(issued.body.serial, /^[0-9a-f]{32}$/);
  });

  it('issues from a CSR made by `openssl req`, for the key that stays on the device', async () => {
    const keyFile = path.join(dir, 'device.key');
    const csrFile = path.join(dir, 'device.csr');
    execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csrFile, '-subj', '/CN=whatever the device says'], {
      stdio: 'pipe',
    });
    const issued = await admin(t.gateway.app)
      .post('/certificates', { payer_id: payerId, account_id: accountId, csr: fs.readFileSync(csrFile, 'utf8') })
      .expect(201);
    assert.equal(issued.body.issued_from, 'csr');
    assert.equal(issued.body.pkcs12, undefined);
    const certFile = write('device.pem', issued.body.certificate_pem);
    assert.equal(openssl(['verify', '-CAfile', caFile, certFile]).status, 0);
    // The certificate carries the device's public key, and Tender's subject, not the CSR's.
    const certKey = openssl(['x509', '-in', certFile, '-noout', '-pubkey']).out;
    const deviceKey = openssl(['pkey', '-in', keyFile, '-pubout']).out;
    assert.equal(certKey, deviceKey);
    assert.match(issued.body.subject, new RegExp(`^CN=${payerId},OU=${accountId}$`));
  });

  it('refuses a CSR that is not one, and writes nothing', async () => {
    const before = (await t.gateway.db('payer_certificates').count({ n: '*' }).first())?.n;
    const bad = await admin(t.gateway.app)
      .post('/certificates', { payer_id: payerId, account_id: accountId, csr: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----' })
      .expect(400);
    assert.equal(bad.body.error.code, 'parameter_invalid');
    assert.equal(bad.body.error.param, 'csr');
    const neither = await admin(t.gateway.app).post('/certificates', { payer_id: payerId, account_id: accountId }).expect(400);
    assert.equal(neither.body.error.code, 'parameter_invalid');
    const otherAccount = await admin(t.gateway.app)
      .post('/certificates', { payer_id: payerId, account_id: 'acct_doesnotexist', password: 'long enough' })
      .expect(404);
    assert.equal(otherAccount.body.error.code, 'resource_not_found');
    assert.equal((await t.gateway.db('payer_certificates').count({ n: '*' }).first())?.n, before);
  });

  it('revokes with a reason; the CRL (DER and PEM) lists the serial and openssl then refuses the certificate', async () => {
    const issued = await admin(t.gateway.app).post('/certificates', { payer_id: payerId, account_id: accountId, password: 'revoke me please' }).expect(201);
    const serial: string = issued.body.serial;
    const revoked = await admin(t.gateway.app).post(`/certificates/${serial}/revoke`, { reason: 'keyCompromise' }).expect(200);
    assert.equal(revoked.body.status, 'revoked');
    assert.equal(revoked.body.revocation_reason, 'keyCompromise');
    const twice = await admin(t.gateway.app).post(`/certificates/${serial}/revoke`, { reason: 'keyCompromise' }).expect(400);
    assert.equal(twice.body.error.code, 'parameter_invalid');

    const der = await getBinary(t.gateway.app, '/ca/crl');
    assert.equal(der.headers['content-type'], 'application/pkix-crl');
    const crlDer = write('crl.der', der.body as Buffer);
    const text = openssl(['crl', '-inform', 'DER', '-in', crlDer, '-text', '-noout']);
    assert.equal(text.status, 0, text.out);
    assert.match(text.out, new RegExp(`Serial Number: ${serial.toUpperCase()}`));
    assert.match(text.out, /Key Compromise/);
    assert.match(text.out, /X509v3 CRL Number/);
    const signature = openssl(['crl', '-inform', 'DER', '-in', crlDer, '-CAfile', caFile, '-noout']);
    assert.match(signature.out, /verify OK/);

    const pem = await request(t.gateway.app).get('/ca/crl?format=pem').expect(200);
    assert.match(pem.text, /^-----BEGIN X509 CRL-----/);
    const viaAccept = await request(t.gateway.app).get('/ca/crl').set('Accept', 'application/x-pem-file').expect(200);
    const bogus = await request(t.gateway.app).get('/ca/crl?format=xml').expect(400);
    assert.equal(bogus.body.error.param, 'format');
    assert.match(viaAccept.text, /^-----BEGIN X509 CRL-----/);
    const crlPem = write('crl.pem', pem.text);
    const certFile = write('revoked.pem', issued.body.certificate_pem);
    const check = openssl(['verify', '-crl_check', '-CRLfile', crlPem, '-CAfile', caFile, certFile]);
    assert.notEqual(check.status, 0);
    assert.match(check.out, /certificate revoked/);
  });

  it('lists the inventory by payer and status, with unique serials', async () => {
    const all = await admin(t.gateway.app).get(`/certificates?payer_id=${payerId}&limit=100`).expect(200);
    assert.ok(all.body.data.length >= 3);
    const serials = all.body.data.map((c: { serial: string }) => c.serial);
    assert.equal(new Set(serials).size, serials.length);
    const revoked = await admin(t.gateway.app).get('/certificates?status=revoked').expect(200);
    assert.equal(revoked.body.data.length, 1);
    const one = await admin(t.gateway.app).get(`/certificates/${serials[0]}`).expect(200);
    assert.equal(one.body.payer_id, payerId);
    await admin(t.gateway.app).get('/certificates/abcdef').expect(404);
    await request(t.gateway.app).get('/admin/v1/certificates').expect(401);
  });
});
