import forge from 'node-forge';
import { CERTIFICATE_AUTHENTICATOR, CertificateAuthenticator } from '@tender/core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
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
});
