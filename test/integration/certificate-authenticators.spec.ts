import assert from 'node:assert/strict';
import forge from 'node-forge';
import { randomBytes } from 'node:crypto';
import { CERTIFICATE_AUTHENTICATOR, CertificateAuthenticator, Gateway, TenderError, loadConfig, definePlugin } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { createTestDatabase } from '../support/test-database';
import { admin, signRequest } from '../support/payer-app';
import { certificateAuthenticatorConformance } from '../support/certificate-authenticator-conformance';

describe('the built-in certificate authenticators', function () {
  let t: TestGateway;
  const byCode = (code: string) => (): CertificateAuthenticator => {
    const found = t.gateway.container.resolveAll<CertificateAuthenticator>(CERTIFICATE_AUTHENTICATOR).find((a) => a.code === code);
    if (found === undefined) throw new Error(`no authenticator ${code}`);
    return found;
  };

  before(async () => {
    t = await startTestGateway();
    await admin(t.gateway.app).post('/ca', { common_name: 'Conformance CA' }).expect(201);
  });
  after(() => t.close());

  certificateAuthenticatorConformance('signed_request', () => t, {
    authenticator: byCode('signed_request'),
    prove: (device, path, body) => ({
      method: 'POST',
      path,
      headers: { 'tender-signature': signRequest(device.keyPem, device.certificatePem, path, body) },
      rawBody: Buffer.from(body),
      tlsClientCertificate: undefined,
    }),
  });

  certificateAuthenticatorConformance('tls_client_certificate', () => t, {
    authenticator: byCode('tls_client_certificate'),
    prove: (device, path, body) => ({
      method: 'POST',
      path,
      headers: {},
      rawBody: Buffer.from(body),
      // What node:tls hands the route: the DER of the certificate the client presented.
      tlsClientCertificate: Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(device.certificatePem))).getBytes(), 'binary'),
    }),
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
      const config = { ...loadConfig({ TENDER_MASTER_KEY: randomBytes(32).toString('base64'), TENDER_ADMIN_TOKEN: ADMIN_TOKEN, TENDER_LOG_LEVEL: 'silent' }), database: database.config };
      await assert.rejects(
        Gateway.create(config, { plugins: [sandboxPlugin, accountsPlugin, definePlugin({ name: 'clash', version: '0.0.1', coreRange: '^0.1.0', setup: (ctx) => ctx.registerCertificateAuthenticator(clash) })] }),
        /two certificate authenticators share the code 'signed_request'/,
      );
    } finally {
      await database.drop();
    }
  });
});
