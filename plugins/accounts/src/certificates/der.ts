/**
 * The DER that Tender's CA writes and reads, on plain Buffers. Certificates and
 * CRLs are assembled from these parts so every byte is chosen here (string types,
 * omitted DEFAULTs, time forms), and parts of an existing certificate (the CA's
 * subject, its key) are cut out byte for byte instead of being decoded and encoded
 * again.
 *
 * @example
 * ```ts
 * const name = seq(set(seq(oid('2.5.4.3'), utf8('pyr_1'))));
 * const subject = slice(caDer, tbsFields(caDer).subject); // the CA's subject as issued
 * ```
 */

/** One type-length-value: the tag byte, where its content starts and where it ends. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), lengthOctets(body.length), body]);
}

function lengthOctets(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const seq = (...items: Buffer[]): Buffer => tlv(0x30, ...items);
export const set = (...items: Buffer[]): Buffer => tlv(0x31, ...items);
export const octets = (bytes: Buffer): Buffer => tlv(0x04, bytes);
export const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
export const bool = (value: boolean): Buffer => tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
export const enumerated = (value: number): Buffer => tlv(0x0a, Buffer.from([value]));
/** A BIT STRING of whole octets. */
export const bitString = (bytes: Buffer): Buffer => tlv(0x03, Buffer.from([0]), bytes);
/** `[n]` around constructed content (EXPLICIT tags, and IMPLICIT ones of constructed types). */
export const constructed = (n: number, ...content: Buffer[]): Buffer => tlv(0xa0 | n, ...content);
/** `[n] IMPLICIT` of a primitive type (a key identifier, a URI). */
export const primitive = (n: number, bytes: Buffer): Buffer => tlv(0x80 | n, bytes);

/** A non-negative INTEGER from hex: minimal octets, a leading zero where the top bit is set. */
export function integerHex(hex: string): Buffer {
  let bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  let first = 0;
  while (first < bytes.length - 1 && bytes[first] === 0 && ((bytes[first + 1] ?? 0) & 0x80) === 0) first += 1;
  bytes = bytes.subarray(first);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if (((bytes[0] ?? 0) & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

export function integer(value: number): Buffer {
  return integerHex(value.toString(16));
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [a = 0, b = 0, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const group: number[] = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) group.unshift((v % 128) | 0x80);
    out.push(...group);
  }
  return tlv(0x06, Buffer.from(out));
}

/** A named-bit BIT STRING (keyUsage): trailing zero bits dropped, as DER requires. */
export function namedBits(bits: readonly number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[Math.floor(bit / 8)] = (bytes[Math.floor(bit / 8)] ?? 0) | (0x80 >> (bit % 8));
  return tlv(0x03, Buffer.from([7 - (highest % 8)]), bytes);
}

/** UTCTime until 2049, GeneralizedTime from 2050, whole seconds in UTC (RFC 5280 4.1.2.5). */
export function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString(); // 2026-11-27T05:48:53.808Z
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return new Date(ms).getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

export function readTlv(der: Buffer, offset: number): Tlv {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined || (tag & 0x1f) === 0x1f) throw new Error('DER: truncated or multi-byte tag');
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER: indefinite or oversized length');
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + (der[offset + 2 + i] ?? 0);
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > der.length) throw new Error('DER: length beyond the end');
  return { tag, start: offset, contentStart, end };
}

/** The elements inside a constructed value. */
export function children(der: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end;) {
    const child = readTlv(der, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

export const whole = (der: Buffer, t: Tlv): Buffer => der.subarray(t.start, t.end);
export const content = (der: Buffer, t: Tlv): Buffer => der.subarray(t.contentStart, t.end);
