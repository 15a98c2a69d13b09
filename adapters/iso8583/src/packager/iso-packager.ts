import { FieldDefinition, PackagerDefinition, PackagerError } from './field-definition';
import { IsoMessage } from './iso-message';
import { ISO8583_1987_STANDARD } from './iso8583-1987-standard';
import { decodeText, encodeText } from './charset';

/**
 * Packs and unpacks ISO 8583 messages from a packager definition, so a bank's
 * dialect is configuration. Subclass and override `packField`/`unpackField` for
 * the rare field a dialect encodes in its own way.
 *
 * @example
 * ```ts
 * const packager = new IsoPackager(ASCII_DIALECT);
 * const bytes = packager.pack(isoMessage('0800', { 7: '1127054500', 11: '000001', 70: '001' }));
 * packager.unpack(bytes).fields.get(70); // '001'
 * ```
 */
export class IsoPackager {
  constructor(readonly definition: PackagerDefinition) {}

  pack(message: IsoMessage): Buffer {
    if (!/^\d{4}$/.test(message.mti)) throw new PackagerError(`MTI must be 4 digits`);
    const numbers = [...message.fields.keys()].sort((a, b) => a - b);
    const secondary = numbers.some((f) => f > 64);
    const bitmap = Buffer.alloc(secondary ? 16 : 8);
    if (secondary) bitmap[0] = 0x80;
    const parts: Buffer[] = [];
    for (const f of numbers) {
      if (f < 2 || f > 128) throw new PackagerError(`field ${f} is out of range`);
      const def = this.fieldDefinition(f);
      bitmap[(f - 1) >> 3] |= 0x80 >> ((f - 1) & 7);
      parts.push(this.packField(f, def, message.fields.get(f) ?? ''));
    }
    const tpdu = message.tpdu ?? this.definition.tpdu;
    const head = tpdu === undefined ? [] : [Buffer.from(tpdu, 'hex')];
    return Buffer.concat([...head, this.packDigits(message.mti, 4), this.packBitmap(bitmap), ...parts]);
  }

  unpack(bytes: Buffer): IsoMessage {
    const partial = this.unpackPartial(bytes);
    if (partial.error !== undefined) throw partial.error;
    return { mti: partial.mti ?? '', fields: partial.fields, ...(partial.tpdu === undefined ? {} : { tpdu: partial.tpdu }) };
  }

  /**
   * Unpacks as far as the bytes allow: the MTI and the fields before the first one
   * that does not decode, and the error. Lets a receiver answer a message it cannot
   * fully read (39=30, format error) when its STAN and terminal id came through.
   */
  unpackPartial(bytes: Buffer): { mti: string | undefined; fields: Map<number, string>; tpdu: string | undefined; error: PackagerError | undefined } {
    const cursor = { at: 0 };
    const fields = new Map<number, string>();
    let mti: string | undefined;
    let tpdu: string | undefined;
    try {
      if (this.definition.tpdu !== undefined) tpdu = take(bytes, cursor, 5).toString('hex').toUpperCase();
      mti = this.unpackDigits(bytes, cursor, 4);
      let bitmap = this.unpackBitmap(bytes, cursor);
      if ((bitmap[0] & 0x80) !== 0) bitmap = Buffer.concat([bitmap, this.unpackBitmap(bytes, cursor)]);
      for (let f = 2; f <= bitmap.length * 8; f++) {
        if ((bitmap[(f - 1) >> 3] & (0x80 >> ((f - 1) & 7))) === 0) continue;
        fields.set(f, this.unpackField(f, this.fieldDefinition(f), bytes, cursor));
      }
      if (cursor.at !== bytes.length) throw new PackagerError(`${bytes.length - cursor.at} bytes left over after the last field`);
      return { mti, fields, tpdu, error: undefined };
    } catch (error) {
      if (!(error instanceof PackagerError)) throw error;
      return { mti, fields, tpdu, error };
    }
  }

  /** The dialect's layout of a field, else the standard's. */
  fieldDefinition(f: number): FieldDefinition {
    const def = this.definition.fields[f] ?? ISO8583_1987_STANDARD[f];
    if (def === undefined) throw new PackagerError(`field ${f} is out of range`);
    return def;
  }

  protected packField(f: number, def: FieldDefinition, value: string): Buffer {
    const v = def.prefix === 'fixed' ? fitFixed(def, value) : value;
    checkValue(f, def, v);
    const count = countOf(def, v);
    const body = this.packBody(def, v);
    if (def.prefix === 'fixed') return body;
    return Buffer.concat([this.packLength(count, def.prefix === 'LLVAR' ? 2 : 3), body]);
  }

  protected unpackField(f: number, def: FieldDefinition, bytes: Buffer, cursor: { at: number }): string {
    const count = def.prefix === 'fixed' ? def.length : this.unpackLength(bytes, cursor, def.prefix === 'LLVAR' ? 2 : 3);
    if (count > def.length) throw new PackagerError(`field ${f}: length ${count} exceeds ${def.length}`);
    const value = this.unpackBody(def, bytes, cursor, count);
    checkValue(f, def, value);
    return value;
  }

  private unpackBody(def: FieldDefinition, bytes: Buffer, cursor: { at: number }, count: number): string {
    switch (def.format) {
      case 'b':
        return take(bytes, cursor, count).toString('hex').toUpperCase();
      case 'n':
        return this.unpackDigits(bytes, cursor, count, def.prefix !== 'fixed');
      case 'xn':
        return this.text(take(bytes, cursor, 1)) + this.unpackDigits(bytes, cursor, count);
      case 'z': {
        if (this.definition.numeric === 'ascii') return this.text(take(bytes, cursor, count));
        // Packed track 2: one nibble per character, D for the separator, an odd count padded with F.
        const hex = take(bytes, cursor, Math.ceil(count / 2))
          .toString('hex')
          .toUpperCase();
        return hex.slice(0, count).replace(/D/g, '=');
      }
      default:
        return this.text(take(bytes, cursor, count));
    }
  }

  private packBody(def: FieldDefinition, v: string): Buffer {
    switch (def.format) {
      case 'b':
        return Buffer.from(v, 'hex');
      case 'n':
        return this.packDigits(v, v.length, def.prefix !== 'fixed');
      case 'xn':
        return Buffer.concat([this.bytes(v.slice(0, 1)), this.packDigits(v.slice(1), v.length - 1)]);
      case 'z': {
        if (this.definition.numeric === 'ascii') return this.bytes(v);
        const nibbles = v.replace(/=/g, 'D');
        return Buffer.from(nibbles.length % 2 === 1 ? `${nibbles}F` : nibbles, 'hex');
      }
      default:
        return this.bytes(v);
    }
  }

  /** Character data in the dialect's charset (ASCII, or EBCDIC 037). */
  private bytes(text: string): Buffer {
    return encodeText(text, this.definition.charset ?? 'ascii');
  }

  private text(bytes: Buffer): string {
    return decodeText(bytes, this.definition.charset ?? 'ascii');
  }

  /**
   * BCD: two digits per byte; an odd count padded with a leading zero nibble, or, for
   * variable-length fields (the PAN) in a dialect that says so, a trailing F.
   */
  private packDigits(digits: string, count: number, variable = false): Buffer {
    if (this.definition.numeric === 'ascii') return this.bytes(digits);
    if (count % 2 === 0) return Buffer.from(digits, 'hex');
    return Buffer.from(variable && this.definition.bcdPadding === 'trailingF' ? `${digits}F` : `0${digits}`, 'hex');
  }

  private unpackDigits(bytes: Buffer, cursor: { at: number }, count: number, variable = false): string {
    if (this.definition.numeric === 'ascii') {
      const s = this.text(take(bytes, cursor, count));
      if (!/^\d*$/.test(s)) throw new PackagerError('numeric data holds non-digits');
      return s;
    }
    const hex = take(bytes, cursor, Math.ceil(count / 2)).toString('hex');
    const trailing = count % 2 === 1 && variable && this.definition.bcdPadding === 'trailingF';
    const digits = trailing ? hex.slice(0, count) : hex.slice(hex.length - count);
    const pad = count % 2 === 0 ? '' : trailing ? hex.slice(count) : hex.slice(0, 1);
    if (!/^\d*$/.test(digits) || pad !== (trailing ? 'f' : count % 2 === 0 ? '' : '0'))
      throw new PackagerError('BCD data holds non-decimal nibbles or wrong padding');
    return digits;
  }

  private packLength(count: number, digits: 2 | 3): Buffer {
    const s = String(count).padStart(digits, '0');
    return this.definition.lengthPrefix === 'ascii' ? this.bytes(s) : Buffer.from((digits === 3 ? '0' : '') + s, 'hex');
  }

  private unpackLength(bytes: Buffer, cursor: { at: number }, digits: 2 | 3): number {
    const s = this.definition.lengthPrefix === 'ascii' ? this.text(take(bytes, cursor, digits)) : take(bytes, cursor, digits === 2 ? 1 : 2).toString('hex');
    if (!/^\d+$/.test(s)) throw new PackagerError('length prefix holds non-digits');
    return Number(s);
  }

  private packBitmap(bitmap: Buffer): Buffer {
    if (this.definition.bitmap === 'binary') return bitmap;
    return this.bytes(bitmap.toString('hex').toUpperCase());
  }

  private unpackBitmap(bytes: Buffer, cursor: { at: number }): Buffer {
    if (this.definition.bitmap === 'binary') return Buffer.from(take(bytes, cursor, 8));
    const hex = this.text(take(bytes, cursor, 16));
    if (!/^[0-9A-Fa-f]{16}$/.test(hex)) throw new PackagerError('hex bitmap holds non-hex characters');
    return Buffer.from(hex, 'hex');
  }
}

function take(bytes: Buffer, cursor: { at: number }, count: number): Buffer {
  if (cursor.at + count > bytes.length) throw new PackagerError('message ends in the middle of a field');
  const slice = bytes.subarray(cursor.at, cursor.at + count);
  cursor.at += count;
  return slice;
}

/** How many units a value counts for its length: bytes for `b`, digits for `xn` (the sign aside), characters otherwise. */
function countOf(def: FieldDefinition, value: string): number {
  return def.format === 'b' ? value.length / 2 : def.format === 'xn' ? value.length - 1 : value.length;
}

/** Fixed fields: numbers are zero-padded on the left, text space-padded on the right. */
function fitFixed(def: FieldDefinition, value: string): string {
  if (def.format === 'xn') return value.length > 0 && value.length <= def.length ? `${value[0]}${value.slice(1).padStart(def.length, '0')}` : value;
  const width = def.format === 'b' ? def.length * 2 : def.length;
  if (value.length > width) return value;
  return def.format === 'n' ? value.padStart(width, '0') : def.format === 'b' ? value.padEnd(width, '0') : value.padEnd(width, ' ');
}

const PATTERNS: Record<FieldDefinition['format'], RegExp> = {
  n: /^\d*$/,
  an: /^[0-9A-Za-z ]*$/,
  ans: /^[\x20-\x7e]*$/,
  b: /^(?:[0-9A-Fa-f]{2})*$/,
  z: /^[0-9=]*$/,
  xn: /^[CD]\d*$/,
};

function checkValue(f: number, def: FieldDefinition, value: string): void {
  // Never echo the value: field 2 is a PAN.
  if (!PATTERNS[def.format].test(value)) throw new PackagerError(`field ${f} (${def.name}) holds characters outside format ${def.format}`);
  const count = countOf(def, value);
  if (def.prefix === 'fixed' ? count !== def.length : count > def.length)
    throw new PackagerError(`field ${f} (${def.name}) has length ${count}, allowed ${def.prefix === 'fixed' ? '' : 'up to '}${def.length}`);
}
