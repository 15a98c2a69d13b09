import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { CertificateAuthenticationRequest, CertificateAuthenticator, TenderError } from '@tender/core';
import { TestGateway } from './test-gateway';
import { PayerDevice, admin, enrolPayer, issueFor } from './payer-app';

/** How an implementation under test is reached, and how a payer's device proves itself to it. */
export interface AuthenticatorUnderTest {
  readonly authenticator: () => CertificateAuthenticator;
  /** The request a device holding `device` sends to `path` with `body`, carrying this authenticator's proof. */
  readonly prove: (device: Pick<PayerDevice, 'keyPem' | 'certificatePem'>, path: string, body: string) => CertificateAuthenticationRequest;
}

const bare = (path: string, body: string): CertificateAuthenticationRequest => ({ method: 'POST', path, headers: {}, rawBody: Buffer.from(body), tlsClientCertificate: undefined });

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TenderError, String(error));
    assert.equal(error.status, 401);
    return error.code;
  }
  assert.fail('the authenticator accepted what it should refuse');
}

/**
 * The behaviour every CertificateAuthenticator shares, whatever the proof: it sees
 * only its own kind of proof, returns the certificate's payer and account, and
 * refuses certificates from another CA and revoked ones with the catalogue's codes.
 * Call inside a mocha `describe` with a started gateway that has a CA.
 */
export function certificateAuthenticatorConformance(name: string, gateway: () => TestGateway, subject: AuthenticatorUnderTest): void {
  describe(`CertificateAuthenticator conformance: ${name}`, () => {
    let device: PayerDevice;
    const path = '/pay-account/conformanceToken0123456789/confirm';

    before(async () => {
      device = await enrolPayer(gateway().gateway.app, `4081781099${Math.floor(Math.random() * 1e10).toString().padStart(10, '0')}`);
    });

    it('has a code and ignores requests without its proof', () => {
      const a = subject.authenticator();
      assert.match(a.code, /^[a-z_]+$/);
      assert.equal(a.presentIn(bare(path, '{}')), false);
    });

    it('returns the payer and account the certificate is bound to', async () => {
      const request = subject.prove(device, path, '{}');
      const a = subject.authenticator();
      assert.equal(a.presentIn(request), true);
      const payer = await a.authenticate(request);
      assert.equal(payer.payerId, device.payerId);
      assert.equal(payer.accountId, device.accountId);
      assert.equal(payer.certificateSerial, device.serial);
      assert.equal(payer.method, a.code);
    });

    it('refuses a certificate from another CA with certificate_untrusted', async () => {
      const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const keyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const cert = forge.pki.createCertificate();
      cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
      cert.serialNumber = '41' + forge.util.bytesToHex(forge.random.getBytesSync(15));
      cert.validity.notBefore = new Date(Date.now() - 3600_000);
      cert.validity.notAfter = new Date(Date.now() + 86_400_000);
      cert.setSubject([{ name: 'commonName', value: device.payerId }]);
      cert.setIssuer([{ name: 'commonName', value: 'Self-made CA' }]);
      cert.setExtensions([{ name: 'keyUsage', digitalSignature: true }, { name: 'extKeyUsage', clientAuth: true }]);
      cert.sign(forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
      const request = subject.prove({ keyPem, certificatePem: forge.pki.certificateToPem(cert) }, path, '{}');
      assert.equal(await refusal(subject.authenticator().authenticate(request)), 'certificate_untrusted');
    });

    it('refuses a revoked certificate with certificate_revoked', async () => {
      const doomed = await issueFor(gateway().gateway.app, device.payerId, device.accountId, device.accountNumber);
      await admin(gateway().gateway.app).post(`/certificates/${doomed.serial}/revoke`, { reason: 'superseded' }).expect(200);
      assert.equal(await refusal(subject.authenticator().authenticate(subject.prove(doomed, path, '{}'))), 'certificate_revoked');
    });
  });
}
