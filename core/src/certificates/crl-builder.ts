import { sign } from 'node:crypto';
import forge from 'node-forge';
import { LoadedCa } from './certificate-authority';

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

const { Class, Type } = forge.asn1;
const OID_SHA256_RSA = '1.2.840.113549.1.1.11';
const OID_CRL_REASON = '2.5.29.21';
const OID_CRL_NUMBER = '2.5.29.20';

/**
 * Builds an X.509 v2 CRL (RFC 5280 section 5) in DER. node-forge reads and writes
 * certificates but not CRLs, so the structure is assembled here with its ASN.1
 * helpers and signed (SHA-256 with RSA) by Node's crypto with the CA key.
 *
 * @example
 * ```ts
 * const der = buildCrl(ca, [{ serialHex: '4f...', revokedAt: Date.now(), reason: 'keyCompromise' }], Date.now(), 86_400_000);
 * ```
 */
export function buildCrl(ca: LoadedCa, revoked: readonly RevokedEntry[], now: number, lifetimeMs: number): Buffer {
  const seq = (value: forge.asn1.Asn1[]): forge.asn1.Asn1 => forge.asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, value);
  const algorithm = seq([forge.asn1.create(Class.UNIVERSAL, Type.OID, false, forge.asn1.oidToDer(OID_SHA256_RSA).getBytes()), forge.asn1.create(Class.UNIVERSAL, Type.NULL, false, '')]);
  const entries = revoked.map((r) =>
    seq([
      integer(r.serialHex),
      time(r.revokedAt),
      seq([seq([oid(OID_CRL_REASON), octets(forge.asn1.toDer(forge.asn1.create(Class.UNIVERSAL, Type.ENUMERATED, false, String.fromCharCode(REVOCATION_REASONS[r.reason]))).getBytes())])]),
    ]),
  );
  const tbs: forge.asn1.Asn1[] = [
    forge.asn1.create(Class.UNIVERSAL, Type.INTEGER, false, String.fromCharCode(1)),
    algorithm,
    forge.pki.distinguishedNameToAsn1(ca.certificate.subject),
    time(now),
    time(now + lifetimeMs),
  ];
  if (entries.length > 0) tbs.push(seq(entries));
  tbs.push(forge.asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [seq([seq([oid(OID_CRL_NUMBER), octets(forge.asn1.toDer(integer(ca.crlNumber.toString(16))).getBytes())])])]));
  const tbsDer = forge.asn1.toDer(seq(tbs)).getBytes();
  const signature = sign('sha256', Buffer.from(tbsDer, 'binary'), ca.signingKey);
  const crl = seq([forge.asn1.fromDer(tbsDer), algorithm, forge.asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, String.fromCharCode(0) + signature.toString('binary'))]);
  return Buffer.from(forge.asn1.toDer(crl).getBytes(), 'binary');
}

function oid(value: string): forge.asn1.Asn1 {
  return forge.asn1.create(Class.UNIVERSAL, Type.OID, false, forge.asn1.oidToDer(value).getBytes());
}

function octets(bytes: string): forge.asn1.Asn1 {
  return forge.asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, bytes);
}

/** A non-negative INTEGER from hex (a leading zero byte when the top bit is set). */
function integer(hex: string): forge.asn1.Asn1 {
  let h = hex.length % 2 === 0 ? hex : `0${hex}`;
  if (parseInt(h.slice(0, 2), 16) >= 0x80) h = `00${h}`;
  return forge.asn1.create(Class.UNIVERSAL, Type.INTEGER, false, forge.util.hexToBytes(h));
}

/** UTCTime until 2049, GeneralizedTime after, as RFC 5280 requires. */
function time(ms: number): forge.asn1.Asn1 {
  const date = new Date(ms);
  return date.getUTCFullYear() < 2050
    ? forge.asn1.create(Class.UNIVERSAL, Type.UTCTIME, false, forge.asn1.dateToUtcTime(date))
    : forge.asn1.create(Class.UNIVERSAL, Type.GENERALIZEDTIME, false, forge.asn1.dateToGeneralizedTime(date));
}
