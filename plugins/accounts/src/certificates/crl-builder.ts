import { LoadedCa } from './certificate-authority';
import { constructed, enumerated, integer, integerHex, octets, oid, seq, time } from './der';
import { SIGNATURE_ALGORITHM, extensions, signed } from './x509-builder';

/** RFC 5280 CRLReason values Tender accepts when revoking. */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  privilegeWithdrawn: 9,
} as const;

export type RevocationReason = keyof typeof REVOCATION_REASONS;

export interface RevokedEntry {
  readonly serialHex: string;
  readonly revokedAt: number;
  readonly reason: RevocationReason;
}

const OID_CRL_REASON = '2.5.29.21';

/**
 * Builds an X.509 v2 CRL (RFC 5280 section 5) in DER, signed (SHA-256 with RSA) by
 * the CA key. The issuer is the CA's subject byte for byte; the CRL carries the
 * Authority Key Identifier (5.2.1, a MUST) and the CRL number (5.2.3). An entry
 * revoked for an `unspecified` reason carries no reason code (5.3.1: it SHOULD be
 * absent rather than unspecified).
 *
 * @example
 * ```ts
 * const der = buildCrl(ca, [{ serialHex: '4f...', revokedAt: Date.now(), reason: 'keyCompromise' }], Date.now(), 86_400_000);
 * ```
 */
export function buildCrl(ca: LoadedCa, revoked: readonly RevokedEntry[], now: number, lifetimeMs: number): Buffer {
  const entries = revoked.map((r) => {
    const code = REVOCATION_REASONS[r.reason];
    const reason = code === REVOCATION_REASONS.unspecified ? [] : [seq(seq(oid(OID_CRL_REASON), octets(enumerated(code))))];
    return seq(integerHex(r.serialHex), time(r.revokedAt), ...reason);
  });
  const tbs = seq(
    integer(1),
    SIGNATURE_ALGORITHM,
    ca.subjectDer,
    time(now),
    time(now + lifetimeMs),
    // revokedCertificates is left out, not empty, when nothing is revoked.
    ...(entries.length > 0 ? [seq(...entries)] : []),
    constructed(0, seq(extensions.authorityKeyIdentifier(ca.keyIdentifier), extensions.crlNumber(ca.crlNumber))),
  );
  return signed(tbs, ca.signingKey);
}
