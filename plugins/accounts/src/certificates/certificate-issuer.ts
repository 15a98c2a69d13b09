import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { inject, injectable } from 'tsyringe';
import { CLOCK, CONFIG, DATABASE, Clock, Database, inTransaction, notFound, TenderConfig, TenderError } from '@tender/core';
import { CertificateAuthority } from './certificate-authority';
import { PayerService } from './payer.service';
import { REVOCATION_REASONS, RevocationReason } from './crl-builder';
import { CertificateRecord, CertificateRepository } from './certificate.repository';
import { caPublicationUrls } from './ca-urls';
import { derToPem, randomSerialHex, sha256Hex, wholeSecond } from './x509';
import { KEY_USAGE, OIDS, extensions, keyIdentifierOf, signCertificate, utf8Name } from './x509-builder';

export interface IssueTarget {
  readonly payerId: string;
  readonly accountId: string;
  /** Defaults to TENDER_CERT_VALIDITY_DAYS. */
  readonly validityDays?: number | undefined;
}

export interface IssuedBundle {
  readonly certificate: CertificateRecord;
  /** DER of a PKCS#12 holding the key, the certificate and the CA certificate. */
  readonly pkcs12: Buffer;
}

/**
 * Issues and revokes payer certificates. The payer id is the subject's CN (and the
 * account id its OU), both UTF8String; keyUsage digitalSignature (critical) and
 * extKeyUsage clientAuth are always set, whatever a CSR asked for, with the subject
 * again as subjectAltName (directoryName), the subject and authority key
 * identifiers, the CRL distribution point and the CA's address (AIA caIssuers)
 * under TENDER_CA_PUBLICATION_URL. Serials are random 128-bit numbers (positive,
 * 16 octets).
 *
 * @example
 * ```ts
 * const cert = await issuer.issueFromCsr({ payerId: 'pyr_1', accountId: 'acct_1' }, csrPem);
 * await issuer.revoke(cert.serial, 'keyCompromise');
 * ```
 */
@injectable()
export class CertificateIssuer {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(CertificateAuthority) private readonly authority: CertificateAuthority,
    @inject(PayerService) private readonly payers: PayerService,
    @inject(CertificateRepository) private readonly certificates: CertificateRepository,
  ) {}

  /** Issues for a key the payer's device keeps: only its CSR (PEM, RSA) comes here. */
  async issueFromCsr(target: IssueTarget, csrPem: string): Promise<CertificateRecord> {
    let csr: forge.pki.CertificateSigningRequest;
    try {
      csr = forge.pki.certificationRequestFromPem(csrPem);
    } catch {
      throw new TenderError('parameter_invalid', { param: 'csr', message: 'csr must be a PEM certificate signing request with an RSA key.' });
    }
    if (!csr.verify() || csr.publicKey === null) {
      throw new TenderError('parameter_invalid', { param: 'csr', message: 'The CSR is not signed by its own key.' });
    }
    const publicKey = csr.publicKey as forge.pki.rsa.PublicKey;
    // Strict verifiers (RFC 5280 path validation in Python's cryptography, browsers) refuse smaller RSA keys.
    if (publicKey.n.bitLength() < MIN_RSA_BITS) {
      throw new TenderError('parameter_invalid', { param: 'csr', message: `The CSR's RSA key must have at least ${MIN_RSA_BITS} bits.` });
    }
    return this.issue(target, Buffer.from(forge.asn1.toDer(forge.pki.publicKeyToAsn1(publicKey)).getBytes(), 'binary'), 'csr');
  }

  /** Generates the key pair here and returns it once, in a PKCS#12 sealed with `password`. */
  async issueWithKeyPair(target: IssueTarget, password: string): Promise<IssuedBundle> {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const record = await this.issue(target, keys.publicKey.export({ type: 'spki', format: 'der' }), 'pkcs12');
    const ca = await this.authority.require();
    const p12 = forge.pkcs12.toPkcs12Asn1(
      forge.pki.privateKeyFromPem(keyPem),
      [forge.pki.certificateFromPem(record.certificatePem), ca.certificate],
      password,
      {
        algorithm: 'aes256',
        friendlyName: record.subject,
        generateLocalKeyId: true,
      },
    );
    return { certificate: record, pkcs12: Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary') };
  }

  async revoke(serial: string, reason: RevocationReason): Promise<CertificateRecord> {
    if (!(reason in REVOCATION_REASONS))
      throw new TenderError('parameter_invalid', { param: 'reason', message: `reason must be one of ${Object.keys(REVOCATION_REASONS).join(', ')}.` });
    const now = this.clock.now();
    return inTransaction(this.db, async (trx) => {
      const current = await this.certificates.findBySerial(trx, serial, { lock: true });
      if (current === undefined) throw notFound('certificate', serial);
      if (current.status === 'revoked') throw new TenderError('parameter_invalid', { param: 'serial', message: 'The certificate is already revoked.' });
      await trx('payer_certificates').where({ serial: current.serial }).update({ status: 'revoked', revocation_reason: reason, revoked_at: now });
      // Each change of the revocation list gets a new CRL number (RFC 5280 5.2.3).
      await trx('certificate_authorities').where({ id: current.caId }).increment('crl_number', 1);
      return { ...current, status: 'revoked', revocationReason: reason, revokedAt: now };
    });
  }

  private async issue(target: IssueTarget, spki: Buffer, issuedFrom: 'csr' | 'pkcs12'): Promise<CertificateRecord> {
    const ca = await this.authority.require();
    await this.payers.requireAccountOf(target.payerId, target.accountId);
    const now = this.clock.now();
    const days = target.validityDays ?? this.config.certificates.validityDays;
    const serial = randomSerialHex();
    // Backdated a little: a payer's device whose clock runs slow still accepts it.
    const notBefore = wholeSecond(now - 5 * 60_000);
    const notAfter = wholeSecond(now + days * 86_400_000);
    const urls = caPublicationUrls(this.config.certificates.publicationUrl ?? this.config.publicUrl);
    const subject = utf8Name([
      [OIDS.commonName, target.payerId],
      [OIDS.organizationalUnitName, target.accountId],
    ]);
    const der = signCertificate(
      {
        serialHex: serial,
        issuer: ca.subjectDer,
        subject,
        notBefore,
        notAfter,
        spki,
        extensions: [
          extensions.basicConstraints(false),
          extensions.keyUsage([KEY_USAGE.digitalSignature]),
          extensions.extKeyUsage([OIDS.clientAuth]),
          extensions.subjectAltNameDirectory(subject),
          extensions.subjectKeyIdentifier(keyIdentifierOf(spki)),
          extensions.authorityKeyIdentifier(ca.keyIdentifier),
          extensions.crlDistributionPoint(urls.crl),
          extensions.caIssuers(urls.caCertificate),
        ],
      },
      ca.signingKey,
    );
    const record: CertificateRecord = {
      serial,
      caId: ca.id,
      payerId: target.payerId,
      accountId: target.accountId,
      subject: `CN=${target.payerId},OU=${target.accountId}`,
      fingerprintSha256: sha256Hex(der),
      certificatePem: derToPem(der, 'CERTIFICATE'),
      issuedFrom,
      notBefore,
      notAfter,
      status: 'valid',
      revocationReason: null,
      revokedAt: null,
      createdAt: now,
    };
    await this.certificates.insert(this.db, record);
    return record;
  }
}

/** RSA keys below this size are refused in CSRs (and never generated). */
const MIN_RSA_BITS = 2048;
