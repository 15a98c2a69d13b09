import { generateKeyPairSync } from 'node:crypto';
import type { AuthenticatedPayer, CertificateAuthenticationRequest, CertificateAuthenticator } from '../certificates/certificate-authenticator';
import { ConformanceReport, ReportBuilder } from './conformance-report';

/** A payer's key and certificate, and who the operator's CA says it belongs to. */
export interface PayerCredentials {
  readonly keyPem: string;
  readonly certificatePem: string;
  readonly payerId: string;
  readonly accountId: string;
  /** The certificate's serial number as the CA records it (hex). */
  readonly serial: string;
}

/** What the suite asks the subject for. */
export type CredentialKind =
  /** Issued by the operator's CA, valid now, not revoked. */
  | 'valid'
  /** Issued by the operator's CA, validity over. */
  | 'expired'
  /** Issued by the operator's CA, then revoked. */
  | 'revoked'
  /** Same shape, signed by a CA the gateway does not trust (self-made). */
  | 'foreign';

/** An authenticator under test, with the CA fixtures only the caller can make. */
export interface CertificateAuthenticatorSubject {
  readonly authenticator: CertificateAuthenticator;
  credentials(kind: CredentialKind): Promise<PayerCredentials>;
  /** The request a device holding `credentials` sends, carrying this authenticator's proof. */
  prove(
    credentials: Pick<PayerCredentials, 'keyPem' | 'certificatePem'>,
    request: { readonly method: string; readonly path: string; readonly body: string },
  ): CertificateAuthenticationRequest;
  /**
   * True when the proof is made with the payer's key over the request (a signed
   * request): then a proof made with another key, or a changed body, must be
   * refused. False when the transport proved possession (a TLS client certificate).
   */
  readonly proofCoversRequest: boolean;
}

const PATH = '/pay-account/conformanceToken0123456789/confirm';
const BODY = '{"account":{"number":"40817810099910004312"}}';

/** A refusal is a 401 error with a catalogue code (certificate_expired, certificate_revoked, ...). */
async function refusal(run: () => Promise<AuthenticatedPayer>): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    const e = error as { status?: unknown; code?: unknown };
    return e !== null && typeof e === 'object' && e.status === 401 && typeof e.code === 'string'
      ? e.code
      : `not a 401 error: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

/**
 * Checks a CertificateAuthenticator: it has a code, sees only its own kind of proof,
 * returns the payer and account the valid certificate is bound to, and refuses with
 * a 401 and the catalogue's code a request without proof, an expired certificate
 * (certificate_expired), a revoked one (certificate_revoked) and one from another CA
 * (certificate_untrusted); when its proof covers the request, also a proof made
 * with another key and a body changed after signing.
 *
 * @example
 * ```ts
 * import { assertConforms, checkCertificateAuthenticator } from '@tender/core/testing';
 * it('conforms', async () => assertConforms(await checkCertificateAuthenticator({
 *   authenticator, proofCoversRequest: true, credentials: (kind) => myCaFixtures(kind), prove: (c, r) => signedRequest(c, r),
 * })));
 * ```
 */
export async function checkCertificateAuthenticator(subject: CertificateAuthenticatorSubject): Promise<ConformanceReport> {
  const a = subject.authenticator;
  const r = new ReportBuilder('CertificateAuthenticator', String(a.code));
  const request = { method: 'POST', path: PATH, body: BODY };
  const bare: CertificateAuthenticationRequest = { method: 'POST', path: PATH, headers: {}, rawBody: Buffer.from(BODY), tlsClientCertificate: undefined };
  const expectRefusal = async (
    name: string,
    expected: string | undefined,
    run: () => Promise<AuthenticatedPayer>,
    problem: (text: string) => void,
  ): Promise<void> => {
    const code = await refusal(run);
    if (code === undefined) problem(`accepted ${name}`);
    else if (expected !== undefined && code !== expected) problem(`refused ${name} with '${code}', expected '${expected}'`);
  };

  await r.check('has a code and ignores requests without its proof', (problem) => {
    if (!/^[a-z][a-z0-9_]{1,39}$/.test(a.code)) problem(`code '${a.code}' is not 2 to 40 lowercase letters, digits or _`);
    if (a.presentIn(bare)) problem('presentIn is true for a request with no proof at all');
  });

  await r.check('refuses a request without proof', async (problem) => {
    await expectRefusal('a request without proof', undefined, () => a.authenticate(bare), problem);
  });

  await r.check('returns the payer and account a valid certificate is bound to', async (problem) => {
    const c = await subject.credentials('valid');
    const proved = subject.prove(c, request);
    if (!a.presentIn(proved)) problem('presentIn is false for its own proof');
    const payer = await a.authenticate(proved);
    if (payer.payerId !== c.payerId) problem(`payerId ${payer.payerId}, expected ${c.payerId}`);
    if (payer.accountId !== c.accountId) problem(`accountId ${payer.accountId}, expected ${c.accountId}`);
    if (payer.certificateSerial.toLowerCase() !== c.serial.toLowerCase()) problem(`certificateSerial ${payer.certificateSerial}, expected ${c.serial}`);
    if (payer.method !== a.code) problem(`method '${payer.method}' is not the authenticator's code`);
  });

  const refusals = [
    ['expired', 'an expired certificate', 'certificate_expired'],
    ['revoked', 'a revoked certificate', 'certificate_revoked'],
    ['foreign', 'a certificate from another CA', 'certificate_untrusted'],
  ] as const;
  for (const [kind, name, code] of refusals) {
    await r.check(`refuses ${name} with ${code}`, async (problem) => {
      const c = await subject.credentials(kind);
      await expectRefusal(name, code, () => a.authenticate(subject.prove(c, request)), problem);
    });
  }

  if (subject.proofCoversRequest) {
    await r.check('refuses a proof made with another key than the certificate’s', async (problem) => {
      const c = await subject.credentials('valid');
      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await expectRefusal(
        'a proof made with another key',
        undefined,
        () => a.authenticate(subject.prove({ keyPem: stranger, certificatePem: c.certificatePem }, request)),
        problem,
      );
    });

    await r.check('refuses a body changed after the proof was made', async (problem) => {
      const c = await subject.credentials('valid');
      const proved = subject.prove(c, request);
      const changed = { ...proved, rawBody: Buffer.from(BODY.replace('4312', '9999')) };
      await expectRefusal('a changed body', undefined, () => a.authenticate(changed), problem);
    });
  }

  return r.report();
}
