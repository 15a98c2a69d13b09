import { inject, injectable } from 'tsyringe';
import { DATABASE, Database, PayerCaSummary, PayerCertificateDirectory, PayerCertificateSummary } from '@tender/core';
import { CertificateAuthority } from './certificate-authority';
import { CertificateRepository } from './certificate.repository';
import { normalizeSerial } from './x509';

/**
 * Core's view of this plugin's CA and certificates (PayerCertificateDirectory): the
 * TLS server names the CA in its handshake, the console lists the certificates.
 *
 * @example
 * ```ts
 * ctx.container.register(PAYER_CERTIFICATE_DIRECTORY, { useFactory: (c) => c.resolve(CaDirectory) });
 * ```
 */
@injectable()
export class CaDirectory implements PayerCertificateDirectory {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CertificateAuthority) private readonly authority: CertificateAuthority,
    @inject(CertificateRepository) private readonly certificates: CertificateRepository,
  ) {}

  async activeCaPem(): Promise<string | undefined> {
    return (await this.authority.active())?.certificatePem;
  }

  async activeCa(): Promise<PayerCaSummary | undefined> {
    const ca = await this.authority.active();
    return ca === undefined ? undefined : { id: ca.id, subject: ca.x509.subject, notAfter: Date.parse(ca.x509.validTo), crlNumber: ca.crlNumber };
  }

  async list(filter: { payerId?: string | undefined; status?: 'valid' | 'revoked' | undefined; limit: number }): Promise<PayerCertificateSummary[]> {
    const rows = await this.certificates.list(this.db, filter);
    return rows.map((c) => ({
      serial: normalizeSerial(c.serial),
      payerId: c.payerId,
      accountId: c.accountId,
      subject: c.subject,
      fingerprintSha256: c.fingerprintSha256,
      issuedFrom: c.issuedFrom,
      notAfter: c.notAfter,
      status: c.status,
      revocationReason: c.revocationReason,
      revokedAt: c.revokedAt,
    }));
  }
}
