import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { CERTIFICATE_AUTHENTICATOR, CertificateAuthenticator, FixedClock, Gateway, TenderError, definePlugin, loadConfig } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import {
  CertificateAuthenticationRequest,
  CertificateAuthenticatorSubject,
  CredentialKind,
  PayerCredentials,
  assertConforms,
  checkCertificateAuthenticator,
} from '@tender/core/testing';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { createTestDatabase } from '../support/test-database';
import { admin, enrolPayer, issueFor, signRequest } from '../support/payer-app';

const DAY = 86_400_000;

/** A certificate in the payer's name from a CA the gateway never saw. */
function foreignCertificate(payerId: string): { keyPem: string; certificatePem: string; serial: string } {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '41' + forge.util.bytesToHex(forge.random.getBytesSync(15));
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + DAY);
  cert.setSubject([{ name: 'commonName', value: payerId }]);
  cert.setIssuer([{ name: 'commonName', value: 'Self-made CA' }]);
  cert.setExtensions([
    { name: 'keyUsage', digitalSignature: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { keyPem, certificatePem: forge.pki.certificateToPem(cert), serial: cert.serialNumber };
}

const derOf = (pem: string): Buffer => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(pem))).getBytes(), 'binary');

/**
 * Deliberately lazy: takes the certificate from the signature header and believes
 * it (no chain, no validity, no revocation, no signature check).
 */
const lazy: CertificateAuthenticator = {
  code: 'lazy_header',
  presentIn: (r) => typeof r.headers['tender-signature'] === 'string',
  async authenticate(r: CertificateAuthenticationRequest) {
    const header = String(r.headers['tender-signature']);
    const jose = JSON.parse(Buffer.from(header.split('.')[0], 'base64url').toString('utf8')) as { x5c?: string[] };
    if (jose.x5c?.[0] === undefined) throw new TenderError('certificate_missing');
    const cert = new X509Certificate(Buffer.from(jose.x5c[0], 'base64'));
    return {
      payerId: /CN=([^\n]+)/.exec(cert.subject)?.[1] ?? '',
      accountId: 'acc_unknown',
      certificateSerial: cert.serialNumber,
      method: 'lazy_header',
      nonce: undefined,
    };
  },
};

describe('CertificateAuthenticator conformance from @tender/core/testing', function () {
  this.timeout(60_000);
  let t: TestGateway;
  const clock = new FixedClock(Date.UTC(2026, 10, 27, 6, 0));
  const iat = (): number => Math.floor(clock.now() / 1000);
  let account = 0;

  /** What only a gateway with a CA can make: an enrolled payer's certificates in each state. */
  async function credentials(kind: CredentialKind): Promise<PayerCredentials> {
    const device = await enrolPayer(t.gateway.app, `40817810099910${String(++account).padStart(6, '0')}`);
    if (kind === 'valid') return device;
    if (kind === 'foreign') return { ...device, ...foreignCertificate(device.payerId) };
    if (kind === 'revoked') {
      await admin(t.gateway.app).post(`/certificates/${device.serial}/revoke`, { reason: 'superseded' }).expect(200);
      return device;
    }
    // Expired: issued two days ago for one day (the gateway's clock is turned back to issue it).
    clock.advance(-2 * DAY);
    try {
      return await issueFor(t.gateway.app, device.payerId, device.accountId, device.accountNumber, { validityDays: 1 });
    } finally {
      clock.advance(2 * DAY);
    }
  }

  const signed = (authenticator: () => CertificateAuthenticator): CertificateAuthenticatorSubject => ({
    get authenticator() {
      return authenticator();
    },
    credentials,
    proofCoversRequest: true,
    prove: (c, r) => ({
      method: r.method,
      path: r.path,
      headers: { 'tender-signature': signRequest(c.keyPem, c.certificatePem, r.path, r.body, { iat: iat() }) },
      rawBody: Buffer.from(r.body),
      tlsClientCertificate: undefined,
    }),
  });

  const builtIn = (code: string) => (): CertificateAuthenticator => {
    const found = t.gateway.container.resolveAll<CertificateAuthenticator>(CERTIFICATE_AUTHENTICATOR).find((a) => a.code === code);
    if (found === undefined) throw new Error(`no authenticator ${code}`);
    return found;
  };

  before(async () => {
    t = await startTestGateway({ clock });
    await admin(t.gateway.app).post('/ca', { common_name: 'Conformance CA' }).expect(201);
  });
  after(() => t?.close());

  it('the built-in signed-request authenticator conforms', async () => {
    assertConforms(await checkCertificateAuthenticator(signed(builtIn('signed_request'))));
  });

  it('the built-in TLS client certificate authenticator conforms', async () => {
    assertConforms(
      await checkCertificateAuthenticator({
        authenticator: builtIn('tls_client_certificate')(),
        credentials,
        proofCoversRequest: false,
        // What node:tls hands the route: the DER of the certificate the client presented (the handshake proved the key).
        prove: (c, r) => ({ method: r.method, path: r.path, headers: {}, rawBody: Buffer.from(r.body), tlsClientCertificate: derOf(c.certificatePem) }),
      }),
    );
  });

  it('rejects a lazy authenticator that believes any certificate it is shown', async () => {
    const report = await checkCertificateAuthenticator(signed(() => lazy));
    for (const expected of [
      'accepted an expired certificate',
      'accepted a revoked certificate',
      'accepted a certificate from another CA',
      'accepted a proof made with another key',
      'accepted a changed body',
      'accountId acc_unknown',
    ]) {
      assert.ok(
        report.problems.some((p) => p.includes(expected)),
        `${expected}:\n${report.problems.join('\n')}`,
      );
    }
    assert.throws(() => assertConforms(report), /CertificateAuthenticator conformance: lazy_header/);
  });
  it('a plugin authenticator whose code is taken stops the gateway at start', async () => {
    const clash: CertificateAuthenticator = {
      code: 'signed_request',
      presentIn: () => false,
      authenticate: async () => {
        throw new TenderError('certificate_missing');
      },
    };
    const database = await createTestDatabase();
    try {
      const config = {
        ...loadConfig({ TENDER_MASTER_KEY: randomBytes(32).toString('base64'), TENDER_ADMIN_TOKEN: ADMIN_TOKEN, TENDER_LOG_LEVEL: 'silent' }),
        database: database.config,
      };
      await assert.rejects(
        Gateway.create(config, {
          plugins: [
            sandboxPlugin,
            accountsPlugin,
            definePlugin({ name: 'clash', version: '0.0.1', coreRange: '^0.1.0', setup: (ctx) => ctx.registerCertificateAuthenticator(clash) }),
          ],
        }),
        /two certificate authenticators share the code 'signed_request'/,
      );
    } finally {
      await database.drop();
    }
  });
});
