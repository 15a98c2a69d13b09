import { inject, injectable } from 'tsyringe';
import { CLOCK, DATABASE, Clock, Database } from '@tender/core';
import { CertificateAuthority } from './certificate-authority';
import { CertificateRepository } from './certificate.repository';
import { RevocationReason, buildCrl } from './crl-builder';

/** How long a published CRL is valid (its nextUpdate); relying parties fetch again after. */
export const CRL_LIFETIME_MS = 24 * 3600_000;

/**
 * The current CRL, signed on request from the revocations in the database: every
 * gateway process publishes the same list, and a revocation is in the next fetch.
 *
 * @example
 * ```ts
 * const der = await crls.currentDer(); // served at GET /ca/crl
 * ```
 */
@injectable()
export class CrlPublisher {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CertificateAuthority) private readonly authority: CertificateAuthority,
    @inject(CertificateRepository) private readonly certificates: CertificateRepository,
  ) {}

  async currentDer(): Promise<Buffer> {
    const ca = await this.authority.require();
    const revoked = await this.certificates.listRevoked(this.db, ca.id);
    const entries = revoked.map((r) => ({
      serialHex: r.serial,
      revokedAt: r.revokedAt ?? r.createdAt,
      reason: (r.revocationReason ?? 'unspecified') as RevocationReason,
    }));
    return buildCrl(ca, entries, this.clock.now(), CRL_LIFETIME_MS);
  }
}
