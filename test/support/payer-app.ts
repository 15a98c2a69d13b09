import { createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import forge from 'node-forge';
import request from 'supertest';
import { Express } from 'express';
import { ADMIN_TOKEN } from './test-gateway';

/** A payer's device: its own key pair (never sent to Tender) and the certificate issued for it. */
export interface PayerDevice {
  readonly payerId: string;
  readonly accountId: string;
  readonly accountNumber: string;
  readonly keyPem: string;
  readonly certificatePem: string;
  readonly serial: string;
}

export function admin(app: Express) {
  return {
    post: (path: string, body: unknown = {}) =>
      request(app)
        .post(`/admin/v1${path}`)
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send(body as object),
    get: (path: string) => request(app).get(`/admin/v1${path}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`),
  };
}

/** A CSR as a payer's app makes it (forge here; OpenSSL in the interop tests). */
export function makeCsr(keyPem: string, publicKeyPem: string, cn = 'my phone'): string {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  csr.setSubject([{ name: 'commonName', value: cn }]);
  csr.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}

/** Registers a payer with an account and issues a certificate from a CSR made on the "device". */
export async function enrolPayer(app: Express, accountNumber: string, options: { validityDays?: number } = {}): Promise<PayerDevice> {
  const payer = await admin(app)
    .post('/payers', { name: 'Ivan Petrov', account: { number: accountNumber, bank: 'sandbox' } })
    .expect(201);
  const accountId = payer.body.accounts[0].id as string;
  return issueFor(app, payer.body.id as string, accountId, accountNumber, options);
}

export async function issueFor(
  app: Express,
  payerId: string,
  accountId: string,
  accountNumber: string,
  options: { validityDays?: number } = {},
): Promise<PayerDevice> {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const csr = makeCsr(keyPem, keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const cert = await admin(app)
    .post('/certificates', {
      payer_id: payerId,
      account_id: accountId,
      csr,
      ...(options.validityDays === undefined ? {} : { validity_days: options.validityDays }),
    })
    .expect(201);
  return { payerId, accountId, accountNumber, keyPem, certificatePem: cert.body.certificate_pem as string, serial: cert.body.serial as string };
}

export interface SignOptions {
  readonly iat?: number;
  readonly nonce?: string;
  readonly htm?: string;
  readonly alg?: string;
  readonly x5c?: string[];
}

/** The Tender-Signature header (detached JWS, RS256) for `body` sent to `path`, as docs/payer-apps.md describes. */
export function signRequest(keyPem: string, certificatePem: string, path: string, body: string, options: SignOptions = {}): string {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(certificatePem))).getBytes();
  const header = {
    alg: options.alg ?? 'RS256',
    x5c: options.x5c ?? [Buffer.from(der, 'binary').toString('base64')],
    iat: options.iat ?? Math.floor(Date.now() / 1000),
    nonce: options.nonce ?? randomBytes(16).toString('base64url'),
    htm: options.htm ?? 'POST',
    htu: path,
  };
  const encoded = Buffer.from(JSON.stringify(header)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${encoded}.${Buffer.from(body).toString('base64url')}`), createPrivateKey(keyPem));
  return `${encoded}..${signature.toString('base64url')}`;
}

/** POSTs a signed confirmation as the payer's app does; `sentBody` differs from the signed one only to test tampering. */
export function confirmSigned(
  app: Express,
  device: PayerDevice,
  pageToken: string,
  body: object = {},
  options: SignOptions & { sentBody?: string } = {},
): request.Test {
  const path = `/pay-account/${pageToken}/confirm`;
  const signed = JSON.stringify(body);
  return request(app)
    .post(path)
    .set('Content-Type', 'application/json')
    .set('Tender-Signature', signRequest(device.keyPem, device.certificatePem, path, signed, options))
    .send(options.sentBody ?? signed);
}

/** The page token from a payment's payment_url. */
export function pageTokenOf(payment: Record<string, unknown>): string {
  return String(payment.payment_url).split('/').pop() ?? '';
}
