import { X509Certificate } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { CLOCK, DATABASE, Clock, Database, TenderError } from '@tender/core';
import { CertificateAuthority } from './certificate-authority';
import { CertificateRepository } from './certificate.repository';
import { certificateFromDer, normalizeSerial, sha256Hex } from './x509';

/** Who a verified certificate speaks for. */
export interface CertifiedPayer {
  readonly payerId: string;
  readonly accountId: string;
  readonly serial: string;
  readonly x509: X509Certificate;
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/**
 * The checks both certificate authenticators share, in this order: issued by the
 * operator's CA (signature and issuer name), within its validity, meant for client
 * authentication, issued by Tender and not revoked (the database is the source the
 * CRL is published from, so this is the CRL check without its publication delay).
 * Each failure is its own 401 code.
 *
 * @example
 * ```ts
 * const payer = await verifier.verify(derBytes); // or throws TenderError('certificate_revoked'), ...
 * ```
 */
@injectable()
export class CertificateVerifier {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CertificateAuthority) private readonly authority: CertificateAuthority,
    @inject(CertificateRepository) private readonly certificates: CertificateRepository,
  ) {}

  async verify(der: Buffer): Promise<CertifiedPayer> {
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(der);
    } catch {
      throw new TenderError('certificate_untrusted', { message: 'The client certificate could not be parsed as X.509.' });
    }
    const ca = await this.authority.active();
    if (ca === undefined || !x509.checkIssued(ca.x509) || !x509.verify(ca.x509.publicKey)) throw new TenderError('certificate_untrusted');
    const now = this.clock.now();
    if (now < Date.parse(x509.validFrom)) throw new TenderError('certificate_not_yet_valid');
    if (now > Date.parse(x509.validTo)) throw new TenderError('certificate_expired');
    if (!meantForClientAuth(der, x509)) throw new TenderError('certificate_wrong_usage');
    const record = await this.certificates.findBySerial(this.db, x509.serialNumber);
    // Signed by the CA but unknown to the inventory (or a serial reused): not one Tender issued.
    if (record === undefined || record.fingerprintSha256 !== sha256Hex(der))
      throw new TenderError('certificate_untrusted', { message: "The client certificate is not in this operator's inventory." });
    if (record.status === 'revoked') throw new TenderError('certificate_revoked');
    return { payerId: record.payerId, accountId: record.accountId, serial: normalizeSerial(record.serial), x509 };
  }
}

function meantForClientAuth(der: Buffer, x509: X509Certificate): boolean {
  if (!(x509.keyUsage ?? []).includes(CLIENT_AUTH)) return false;
  try {
    const keyUsage = certificateFromDer(der).getExtension('keyUsage') as { digitalSignature?: boolean } | undefined;
    return keyUsage?.digitalSignature === true;
  } catch {
    // forge reads RSA certificates only; Tender issues nothing else.
    return false;
  }
}
