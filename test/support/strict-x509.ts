import { spawnSync } from 'node:child_process';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { Express } from 'express';
import request from 'supertest';

/**
 * Independent judges of the certificates and CRLs Tender's CA produces. None of them
 * shares code with the CA (node-forge, Node's crypto): OpenSSL's command line, PKI.js
 * (a pure-JavaScript X.509 implementation with its own ASN.1 decoder and chain
 * engine) and, where the machine has it, Python's `cryptography` (a Rust parser that
 * refuses malformed strings).
 */

export const OID = {
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  countryName: '2.5.4.6',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  subjectAltName: '2.5.29.17',
  crlDistributionPoints: '2.5.29.31',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** ASN.1 universal tag numbers of the string types a DirectoryString may use. */
const STRING_TAGS: Record<number, string> = {
  12: 'UTF8String',
  19: 'PrintableString',
  20: 'TeletexString',
  22: 'IA5String',
  28: 'UniversalString',
  30: 'BMPString',
};

/** OpenSSL's command line (/usr/bin/openssl): exit status and everything it printed. */
export function openssl(args: string[]): { status: number; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** GET a 200 with the body kept as bytes (DER). */
export function getBinary(app: Express, url: string): Promise<request.Response> {
  return request(app)
    .get(url)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    })
    .expect(200);
}

function toArrayBuffer(der: Buffer): ArrayBuffer {
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
}

/** Decodes all of `der` (no trailing bytes) or throws. */
function decodeWhole(der: Buffer, what: string): asn1js.AsnType {
  const decoded = asn1js.fromBER(toArrayBuffer(der));
  if (decoded.offset === -1) throw new Error(`${what}: ${decoded.result.error}`);
  if (decoded.offset !== der.length) throw new Error(`${what}: ${der.length - decoded.offset} bytes after the structure`);
  return decoded.result;
}

export function parseCertificate(der: Buffer): pkijs.Certificate {
  return new pkijs.Certificate({ schema: decodeWhole(der, 'certificate') });
}

export function parseCrl(der: Buffer): pkijs.CertificateRevocationList {
  return new pkijs.CertificateRevocationList({ schema: decodeWhole(der, 'CRL') });
}

export function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');
}

export interface NameAttribute {
  readonly type: string;
  /** The ASN.1 string type the value is encoded as. */
  readonly encoding: string;
  readonly value: string;
}

/** Each attribute of a Name, in order, with the string type it was encoded as. */
export function nameAttributes(name: pkijs.RelativeDistinguishedNames): NameAttribute[] {
  return name.typesAndValues.map((tv) => {
    const value = tv.value as asn1js.BaseStringBlock;
    const tag = value.idBlock.tagClass === 1 ? (STRING_TAGS[value.idBlock.tagNumber] ?? `[UNIVERSAL ${value.idBlock.tagNumber}]`) : 'not a universal string';
    return { type: tv.type, encoding: tag, value: value.valueBlock.value };
  });
}

/** The DER of a certificate's subject or issuer as it stands in the certificate. */
export function nameDer(name: pkijs.RelativeDistinguishedNames): string {
  return hex(name.toSchema().toBER());
}

export function extensionOf(list: pkijs.Extension[] | undefined, oid: string): pkijs.Extension | undefined {
  return (list ?? []).find((e) => e.extnID === oid);
}

/** URIs of a GeneralNames list (type 6, uniformResourceIdentifier). */
export function uris(names: pkijs.GeneralName[]): string[] {
  return names.filter((n) => n.type === 6).map((n) => String(n.value));
}

/** PKI.js's chain engine, with WebCrypto (Node's) verifying the signatures. */
export async function validateChain(leafDer: Buffer, caDer: Buffer, crlDer: Buffer, at: Date): Promise<{ result: boolean; resultMessage: string }> {
  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: [parseCertificate(caDer)],
    certs: [parseCertificate(leafDer)],
    crls: [parseCrl(crlDer)],
    checkDate: at,
  });
  const r = await engine.verify();
  return { result: r.result, resultMessage: r.resultMessage };
}

/**
 * Python's `cryptography` from 43 on (the Rust parser and RFC 5280 client
 * verifier), when one of the machine's interpreters has it. Older releases (Debian
 * bookworm ships 38) parse names leniently, so they would prove nothing.
 */
export function strictPython(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(
      python,
      [
        '-c',
        'import cryptography.x509.verification as v; assert hasattr(v.PolicyBuilder, "build_client_verifier"); import cryptography; print(cryptography.__version__)',
      ],
      { encoding: 'utf8' },
    );
    if (r.status === 0) return python;
  }
  return undefined;
}

export interface PythonVerdict {
  readonly version: string;
  /** Per file: 'ok' or the parser's error. */
  readonly parsed: Record<string, string>;
  /** Per leaf: 'ok' or the client verifier's error. */
  readonly verified: Record<string, string>;
  readonly crlSignatureValid: boolean;
  readonly crlRevoked: string[];
}

const PYTHON_JUDGE = `
import json, sys, cryptography
from cryptography import x509
from cryptography.x509.verification import PolicyBuilder, Store
ca_file, crl_file, leaves = sys.argv[1], sys.argv[2], sys.argv[3:]
out = {"version": cryptography.__version__, "parsed": {}, "verified": {}, "crlSignatureValid": False, "crlRevoked": []}
def touch(cert):
    # Names and extensions are decoded on access: read every one.
    cert.subject.rfc4514_string(); cert.issuer.rfc4514_string(); cert.serial_number
    for e in cert.extensions: e.value
    return cert
try:
    ca = touch(x509.load_der_x509_certificate(open(ca_file, "rb").read()))
    out["parsed"][ca_file] = "ok"
except Exception as e:
    out["parsed"][ca_file] = repr(e)
    print(json.dumps(out))
    sys.exit(0)
try:
    crl = x509.load_der_x509_crl(open(crl_file, "rb").read())
    crl.issuer.rfc4514_string()
    for e in crl.extensions: e.value
    for r in crl:
        for e in r.extensions: e.value
        out["crlRevoked"].append(format(r.serial_number, "x"))
    out["crlSignatureValid"] = crl.is_signature_valid(ca.public_key())
    out["parsed"][crl_file] = "ok"
except Exception as e:
    out["parsed"][crl_file] = repr(e)
verifier = PolicyBuilder().store(Store([ca])).build_client_verifier()
for leaf in leaves:
    try:
        cert = touch(x509.load_pem_x509_certificate(open(leaf, "rb").read()))
        out["parsed"][leaf] = "ok"
    except Exception as e:
        out["parsed"][leaf] = repr(e)
        continue
    try:
        verifier.verify(cert, [])
        out["verified"][leaf] = "ok"
    except Exception as e:
        out["verified"][leaf] = repr(e)
print(json.dumps(out))
`;

export function pythonJudge(python: string, caDerFile: string, crlDerFile: string, leafPemFiles: string[]): PythonVerdict {
  const r = spawnSync(python, ['-c', PYTHON_JUDGE, caDerFile, crlDerFile, ...leafPemFiles], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python judge failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as PythonVerdict;
}
