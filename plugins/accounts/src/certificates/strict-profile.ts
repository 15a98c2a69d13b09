import { Tlv, children, content, oid } from './der';
import { TbsFields, certificateExtensions, tbsFields } from './x509-builder';

/**
 * What a strict relying party would hold against a certificate: names whose
 * string type is wrong for their content, and the extensions of Tender's profile
 * that are missing. Certificates issued before Tender wrote UTF8String names and
 * key identifiers fail it; `tender certs audit` runs it over the CA and the
 * inventory, so an operator knows which payers to re-issue for.
 *
 * @example
 * ```ts
 * strictProfileProblems(der);
 * // ['subject CN is a PrintableString holding "_"', 'no authority key identifier', ...]
 * ```
 */
export function strictProfileProblems(certificateDer: Buffer, kind: 'payer' | 'ca' = 'payer'): string[] {
  let fields: TbsFields;
  try {
    fields = tbsFields(certificateDer);
  } catch {
    return ['not a certificate'];
  }
  const present = certificateExtensions(certificateDer, fields).map((e) => e.id);
  return [
    ...nameProblems(certificateDer, fields.issuer, 'issuer'),
    ...nameProblems(certificateDer, fields.subject, 'subject'),
    ...EXPECTED.filter(([id, , kinds]) => kinds.includes(kind) && !present.some((p) => p.equals(oid(id)))).map(([, missing]) => missing),
  ];
}

/** Extensions a strict relying party looks for, and on which kind of certificate. */
const EXPECTED: readonly (readonly [string, string, readonly ('payer' | 'ca')[]])[] = [
  ['2.5.29.14', 'no subject key identifier', ['payer', 'ca']],
  ['2.5.29.35', 'no authority key identifier (openssl verify -x509_strict: error 85)', ['payer']],
  ['2.5.29.17', 'no subjectAltName (strict client verifiers take the identity from it)', ['payer']],
  ['2.5.29.31', 'no CRL distribution point', ['payer']],
  ['1.3.6.1.5.5.7.1.1', 'no authority information access (caIssuers)', ['payer']],
];

const SHORT_NAMES: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C' };
/** PrintableString's alphabet (X.680 41.4). */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function nameProblems(der: Buffer, name: Tlv, label: string): string[] {
  const problems: string[] = [];
  for (const rdn of children(der, name)) {
    for (const atv of children(der, rdn)) {
      const [type, value] = children(der, atv);
      if (type === undefined || value === undefined) continue;
      const attribute = SHORT_NAMES[dotted(content(der, type))] ?? dotted(content(der, type));
      const text = content(der, value).toString('latin1');
      if (value.tag === 0x13 && !PRINTABLE.test(text)) {
        const bad = [...new Set([...text].filter((c) => !PRINTABLE.test(c)))].join('');
        problems.push(`${label} ${attribute} is a PrintableString holding ${JSON.stringify(bad)}, outside its alphabet`);
      } else if (value.tag !== 0x0c && value.tag !== 0x13) {
        problems.push(`${label} ${attribute} uses ASN.1 string tag ${value.tag}, neither UTF8String nor PrintableString`);
      }
    }
  }
  return problems;
}

function dotted(bytes: Buffer): string {
  const arcs: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(Math.min(2, Math.floor(value / 40)), value - Math.min(2, Math.floor(value / 40)) * 40);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}
