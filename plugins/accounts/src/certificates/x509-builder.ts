import { KeyObject, createHash, sign } from 'node:crypto';
import {
  Tlv,
  bitString,
  bool,
  children,
  constructed,
  content,
  integer,
  integerHex,
  namedBits,
  nullValue,
  octets,
  oid,
  primitive,
  readTlv,
  seq,
  set,
  time,
  utf8,
  whole,
} from './der';

/**
 * Tender's X.509 profile (RFC 5280), written as DER: names as UTF8String, key
 * identifiers, the extensions of CA and payer certificates, and the signature
 * wrapper that certificates and CRLs share. Signed by Node's crypto with the CA key
 * (RSA, SHA-256).
 *
 * @example
 * ```ts
 * const der = signCertificate({
 *   serialHex: randomSerialHex(), issuer: ca.subjectDer, subject: utf8Name([[OIDS.commonName, 'pyr_1']]),
 *   notBefore: now, notAfter: now + 86_400_000, spki,
 *   extensions: [extensions.basicConstraints(false), extensions.authorityKeyIdentifier(ca.keyIdentifier)],
 * }, ca.signingKey);
 * ```
 */

export const OIDS = {
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

/** KeyUsage bits (RFC 5280 4.2.1.3). */
export const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

/** sha256WithRSAEncryption, NULL parameters (RFC 4055). */
export const SIGNATURE_ALGORITHM = seq(oid(OID_SHA256_WITH_RSA), nullValue());

/** A Name with one attribute per RDN, every value a UTF8String (RFC 5280 4.1.2.4 asks for UTF8String). */
export function utf8Name(attributes: readonly (readonly [type: string, value: string])[]): Buffer {
  return seq(...attributes.map(([type, value]) => set(seq(oid(type), utf8(value)))));
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value (without its unused-bits octet). */
export function keyIdentifierOf(spki: Buffer): Buffer {
  const [, key] = children(spki, readTlv(spki, 0));
  if (key === undefined || key.tag !== 0x03) throw new Error('not a SubjectPublicKeyInfo');
  return createHash('sha1').update(content(spki, key).subarray(1)).digest();
}

/** What a CA's own certificate contributes to what it signs, cut out of its DER. */
export interface IssuerParts {
  /** Its subject exactly as encoded: the issuer name of everything it signs. */
  readonly subject: Buffer;
  /** Its subject key identifier, or method 1 over its key when it has none. */
  readonly keyIdentifier: Buffer;
}

export function issuerParts(certificateDer: Buffer): IssuerParts {
  const fields = tbsFields(certificateDer);
  const ski = certificateExtensions(certificateDer, fields).find((e) => e.id.equals(oid(OID_SUBJECT_KEY_IDENTIFIER)));
  const skiValue = ski === undefined ? undefined : content(certificateDer, ski.value);
  return {
    subject: whole(certificateDer, fields.subject),
    keyIdentifier: skiValue === undefined ? keyIdentifierOf(whole(certificateDer, fields.spki)) : content(skiValue, readTlv(skiValue, 0)),
  };
}

/** Where the parts of a certificate's TBSCertificate stand in its DER. */
export interface TbsFields {
  readonly issuer: Tlv;
  readonly subject: Tlv;
  readonly spki: Tlv;
  readonly extensions: Tlv | undefined;
}

export function tbsFields(certificateDer: Buffer): TbsFields {
  const [tbs] = children(certificateDer, readTlv(certificateDer, 0));
  if (tbs === undefined) throw new Error('not a certificate');
  const fields = children(certificateDer, tbs);
  // version [0] is absent from v1 certificates.
  const at = fields[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = fields[at + 2];
  const subject = fields[at + 4];
  const spki = fields[at + 5];
  if (issuer === undefined || subject === undefined || spki === undefined) throw new Error('not a certificate');
  return { issuer, subject, spki, extensions: fields.find((f) => f.tag === 0xa3) };
}

/** Each extension: its OID as DER and its extnValue OCTET STRING. */
export function certificateExtensions(der: Buffer, fields: TbsFields): { readonly id: Buffer; readonly value: Tlv }[] {
  if (fields.extensions === undefined) return [];
  const [list] = children(der, fields.extensions);
  if (list === undefined) return [];
  return children(der, list).flatMap((ext) => {
    const parts = children(der, ext);
    const id = parts[0];
    const value = parts[parts.length - 1];
    return id === undefined || value === undefined ? [] : [{ id: whole(der, id), value }];
  });
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  // critical is BOOLEAN DEFAULT FALSE: DER leaves a false one out.
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

/** The extensions of Tender's profile, each as one DER Extension. */
export const extensions = {
  /** Critical. cA DEFAULT FALSE is left out for end entities, as DER requires. */
  basicConstraints(ca: boolean, pathLength?: number): Buffer {
    const fields = ca ? [bool(true), ...(pathLength === undefined ? [] : [integer(pathLength)])] : [];
    return extension('2.5.29.19', true, seq(...fields));
  },
  keyUsage(bits: readonly number[]): Buffer {
    return extension('2.5.29.15', true, namedBits(bits));
  },
  extKeyUsage(purposes: readonly string[]): Buffer {
    return extension('2.5.29.37', false, seq(...purposes.map(oid)));
  },
  subjectKeyIdentifier(id: Buffer): Buffer {
    return extension(OID_SUBJECT_KEY_IDENTIFIER, false, octets(id));
  },
  /** keyIdentifier only ([0]); RFC 5280 4.2.1.1. */
  authorityKeyIdentifier(id: Buffer): Buffer {
    return extension('2.5.29.35', false, seq(primitive(0, id)));
  },
  /**
   * subjectAltName holding the subject again as directoryName ([4], explicit: Name is
   * a CHOICE). It adds nothing new, but verifiers that take identities only from the
   * SAN (Python cryptography's client verifier refuses a leaf without one) see the
   * payer and account.
   */
  subjectAltNameDirectory(name: Buffer): Buffer {
    return extension('2.5.29.17', false, seq(constructed(4, name)));
  },
  /** One distribution point with one HTTP URI: distributionPoint [0] { fullName [0] { uniformResourceIdentifier [6] } }. */
  crlDistributionPoint(url: string): Buffer {
    return extension('2.5.29.31', false, seq(seq(constructed(0, constructed(0, primitive(6, Buffer.from(url, 'ascii')))))));
  },
  /** Authority Information Access with one caIssuers URI (RFC 5280 4.2.2.1). */
  caIssuers(url: string): Buffer {
    return extension('1.3.6.1.5.5.7.1.1', false, seq(seq(oid('1.3.6.1.5.5.7.48.2'), primitive(6, Buffer.from(url, 'ascii')))));
  },
  crlNumber(value: number): Buffer {
    return extension('2.5.29.20', false, integer(value));
  },
};

export interface CertificateSpec {
  readonly serialHex: string;
  /** DER Name, the CA's subject as it stands in the CA certificate. */
  readonly issuer: Buffer;
  readonly subject: Buffer;
  readonly notBefore: number;
  readonly notAfter: number;
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Buffer;
  readonly extensions: readonly Buffer[];
}

/** A v3 certificate, signed SHA-256 with RSA by `key`. */
export function signCertificate(spec: CertificateSpec, key: KeyObject): Buffer {
  const tbs = seq(
    constructed(0, integer(2)),
    integerHex(spec.serialHex),
    SIGNATURE_ALGORITHM,
    spec.issuer,
    seq(time(spec.notBefore), time(spec.notAfter)),
    spec.subject,
    spec.spki,
    constructed(3, seq(...spec.extensions)),
  );
  return signed(tbs, key);
}

/** SEQUENCE { tbs, sha256WithRSAEncryption, signature }: the shape of certificates and CRLs alike. */
export function signed(tbs: Buffer, key: KeyObject): Buffer {
  return seq(tbs, SIGNATURE_ALGORITHM, bitString(sign('sha256', tbs, key)));
}
