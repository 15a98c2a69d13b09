import { createHash, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * Small conversions between the forms certificates travel in (PEM, DER, forge
 * objects) and the serial-number form Tender stores.
 */

/** A positive 128-bit serial as hex: random, so serials are unique without a sequence. */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  // Clear the sign bit (DER INTEGERs are signed) and keep the top byte non-zero so the
  // serial always has 16 bytes and one spelling.
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** Serials compare as lower-case hex without leading zeros (Node prints upper case, OpenSSL may pad). */
export function normalizeSerial(hex: string): string {
  const s = hex
    .replace(/[^0-9a-fA-F]/g, '')
    .toLowerCase()
    .replace(/^0+/, '');
  return s === '' ? '0' : s;
}

export function certificateFromDer(der: Buffer): forge.pki.Certificate {
  return forge.pki.certificateFromAsn1(forge.asn1.fromDer(der.toString('binary')));
}

export function derToPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function sha256Hex(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** Subject as OpenSSL prints it in one line, e.g. `CN=pyr_1,O=Tender`. */
export function subjectLine(attributes: readonly forge.pki.CertificateField[]): string {
  return attributes.map((a) => `${a.shortName ?? a.name ?? a.type}=${String(a.value)}`).join(',');
}

/** Certificates and CRLs hold whole seconds: round down so what is stored equals what is signed. */
export function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
