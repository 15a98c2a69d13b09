import { KeyObject, X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { inject, injectable } from 'tsyringe';
import { CLOCK, DATABASE, KEY_RING, Clock, Database, KeyRing, ReadinessOutcome, newId, TenderError } from '@tender/core';
import { openCaKey, sealCaKey } from './ca-key-sealer';
import { derToPem, randomSerialHex, subjectLine, wholeSecond } from './x509';
import { KEY_USAGE, OIDS, extensions, issuerParts, keyIdentifierOf, signCertificate, utf8Name } from './x509-builder';

/** The operator's CA as it signs: certificate, private key (in memory only) and CRL counter. */
export interface LoadedCa {
  readonly id: string;
  readonly certificatePem: string;
  readonly certificate: forge.pki.Certificate;
  readonly x509: X509Certificate;
  /** The CA's subject as encoded in its certificate: the issuer of all it signs, byte for byte. */
  readonly subjectDer: Buffer;
  /** Its subject key identifier: the keyIdentifier of every AKI it writes. */
  readonly keyIdentifier: Buffer;
  readonly forgeKey: forge.pki.rsa.PrivateKey;
  readonly signingKey: KeyObject;
  readonly crlNumber: number;
}

export interface CaInitOptions {
  readonly commonName: string;
  readonly organization?: string | undefined;
  readonly validityYears?: number | undefined;
}

export class CaAlreadyExistsError extends Error {}

/**
 * The operator's certificate authority. There is one active CA; its private key is
 * sealed under the master key in the database, so every gateway process can sign
 * and a stolen database cannot. Created with `tender ca init` (or at first start on
 * the embedded default), or imported from an existing CA with `tender ca import`.
 *
 * @example
 * ```ts
 * const ca = container.resolve(CertificateAuthority);
 * await ca.init({ commonName: 'Example PSP payer CA', organization: 'Example PSP' });
 * (await ca.require()).certificatePem; // '-----BEGIN CERTIFICATE-----...'
 * ```
 */
@injectable()
export class CertificateAuthority {
  private cached: { id: string; keyPem: string; ca: Omit<LoadedCa, 'crlNumber'> } | undefined;

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(KEY_RING) private readonly ring: KeyRing,
  ) {}

  /**
   * Creates a new self-signed CA (RSA 3072, SHA-256). Refuses when one exists. Its
   * names are UTF8Strings; it carries its key identifier as both SKI and AKI, and
   * pathLenConstraint 0: it signs payer certificates, never another CA.
   */
  async init(options: CaInitOptions): Promise<LoadedCa> {
    const now = this.clock.now();
    const keys = generateKeyPairSync('rsa', { modulusLength: 3072 });
    const keyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
    const keyId = keyIdentifierOf(spki);
    const name = utf8Name([
      [OIDS.commonName, options.commonName],
      ...(options.organization === undefined ? [] : [[OIDS.organizationName, options.organization] as const]),
    ]);
    const der = signCertificate(
      {
        serialHex: randomSerialHex(),
        issuer: name,
        subject: name,
        notBefore: wholeSecond(now - 5 * 60_000),
        notAfter: wholeSecond(now + (options.validityYears ?? 10) * 365 * 86_400_000),
        spki,
        extensions: [
          extensions.basicConstraints(true, 0),
          extensions.keyUsage([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign]),
          extensions.subjectKeyIdentifier(keyId),
          extensions.authorityKeyIdentifier(keyId),
        ],
      },
      keys.privateKey,
    );
    return this.store(derToPem(der, 'CERTIFICATE'), keyPem);
  }

  /** Imports an existing CA (PEM certificate and unencrypted PEM private key, RSA). */
  async importCa(certificatePem: string, privateKeyPem: string): Promise<LoadedCa> {
    const x509 = new X509Certificate(certificatePem);
    const key = createPrivateKey(privateKeyPem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('only RSA CA keys are supported');
    const spki = (k: KeyObject): string => k.export({ type: 'spki', format: 'der' }).toString('base64');
    if (spki(createPublicKey(key)) !== spki(x509.publicKey)) throw new Error('the private key does not belong to the certificate');
    if (!x509.ca) throw new Error('the certificate is not a CA certificate (basicConstraints cA:TRUE is required)');
    return this.store(x509.toString(), key.export({ type: 'pkcs8', format: 'pem' }).toString());
  }

  /** Creates a CA named after the instance unless one exists (embedded default, first start). */
  async ensure(commonName: string): Promise<void> {
    if ((await this.activeRow()) === undefined) await this.init({ commonName, organization: 'Tender' });
  }

  /** The active CA, or a 409 `certificate_authority_missing`. */
  async require(): Promise<LoadedCa> {
    const ca = await this.active();
    if (ca === undefined) throw new TenderError('certificate_authority_missing');
    return ca;
  }

  /**
   * For `/readyz`: an active CA exists and its key opens with this process's key
   * ring (a CA sealed under a master key the process lacks cannot sign).
   */
  async readiness(): Promise<ReadinessOutcome> {
    const row = await this.activeRow();
    if (row === undefined) return { ready: false, reason: 'no certificate authority: run tender ca init or tender ca import' };
    if (this.ring.find(String(row.key_version)) === undefined)
      return { ready: false, reason: "the certificate authority's key is sealed under a master key this process does not have" };
    // Opens the key (once per process; cached after): a key that does not open throws, which /readyz reports as failed.
    await this.active();
    return { ready: true };
  }

  async active(): Promise<LoadedCa | undefined> {
    const row = await this.activeRow();
    if (row === undefined) return undefined;
    const id = String(row.id);
    if (this.cached?.id !== id) {
      const keyPem = openCaKey(this.ring, id, {
        keyVersion: String(row.key_version),
        iv: String(row.key_iv),
        tag: String(row.key_tag),
        ciphertext: String(row.key_ciphertext),
      });
      const certificatePem = String(row.certificate_pem);
      const x509 = new X509Certificate(certificatePem);
      const parts = issuerParts(x509.raw);
      this.cached = {
        id,
        keyPem,
        ca: {
          id,
          certificatePem,
          certificate: forge.pki.certificateFromPem(certificatePem),
          x509,
          subjectDer: parts.subject,
          keyIdentifier: parts.keyIdentifier,
          forgeKey: forge.pki.privateKeyFromPem(keyPem),
          signingKey: createPrivateKey(keyPem),
        },
      };
    }
    return { ...this.cached.ca, crlNumber: Number(row.crl_number) };
  }

  private async activeRow(): Promise<Record<string, unknown> | undefined> {
    return this.db('certificate_authorities').where({ status: 'active' }).orderBy('created_at', 'desc').first();
  }

  private async store(certificatePem: string, keyPem: string): Promise<LoadedCa> {
    if ((await this.activeRow()) !== undefined) throw new CaAlreadyExistsError('a certificate authority already exists');
    const id = newId('ca');
    const sealed = sealCaKey(this.ring, id, keyPem);
    const cert = forge.pki.certificateFromPem(certificatePem);
    await this.db('certificate_authorities').insert({
      id,
      subject: subjectLine(cert.subject.attributes).slice(0, 500),
      certificate_pem: certificatePem,
      key_version: sealed.keyVersion,
      key_iv: sealed.iv,
      key_tag: sealed.tag,
      key_ciphertext: sealed.ciphertext,
      status: 'active',
      crl_number: 0,
      created_at: this.clock.now(),
    });
    return this.require();
  }
}
