/**
 * How one ISO 8583 field is laid out. `n` numeric, `an` alphanumeric, `ans`
 * alphanumeric with specials, `b` binary (values are hex strings, lengths in
 * bytes), `z` track 2 (digits and `=`), `xn` a `C`/`D` sign then `length` digits. `fixed` fields have exactly `length` characters; `LLVAR`/`LLLVAR` carry
 * a 2- or 3-digit length prefix and at most `length` characters.
 *
 * @example
 * ```ts
 * const pan: FieldDefinition = { format: 'n', prefix: 'LLVAR', length: 19, name: 'PAN' };
 * ```
 */
export interface FieldDefinition {
  readonly name: string;
  readonly format: 'n' | 'an' | 'ans' | 'b' | 'z' | 'xn';
  readonly prefix: 'fixed' | 'LLVAR' | 'LLLVAR';
  readonly length: number;
}

/**
 * A bank's dialect: field layouts plus how numbers, length prefixes, the MTI and
 * the bitmap are encoded. Most processing centres differ only here.
 */
export interface PackagerDefinition {
  readonly name: string;
  /** The fields this dialect lays out its own way; every other field follows ISO8583_1987_STANDARD. */
  readonly fields: Readonly<Record<number, FieldDefinition>>;
  /** `n` field digits and the MTI: one ASCII byte per digit, or packed BCD (two per byte). */
  readonly numeric: 'ascii' | 'bcd';
  /** LL/LLL length prefixes: ASCII digits or BCD (1 byte for LL, 2 for LLL). */
  readonly lengthPrefix: 'ascii' | 'bcd';
  /** Bitmaps as 8 raw bytes, or as 16 ASCII hex characters. */
  readonly bitmap: 'binary' | 'hex';
  /**
   * The private field carrying card-not-present data as tag + 2-digit length + value
   * (CV: CVV2 presence and value, EC: ECI, CA: CAVV); default 48.
   */
  readonly privateField?: number;
  /**
   * Field 3 of a debit of a payer's account (field 102): transaction type 00, from
   * account type, to account type; default `002000` (from a current account). Its
   * refunds use `20` + `00` + the same account type as the to-account.
   */
  readonly accountProcessingCode?: string;
  /** Character data (text fields, ASCII digits and prefixes, hex bitmaps): ASCII (default) or EBCDIC code page 037. */
  readonly charset?: 'ascii' | 'ebcdic';
  /** How an odd count of BCD digits in a variable-length field (the PAN) is padded: leading 0 (default) or trailing F. */
  readonly bcdPadding?: 'leading0' | 'trailingF';
  /** The message length header: 2 bytes big-endian binary (default) or 4 ASCII digits. */
  readonly lengthHeader?: 'binary2' | 'ascii4';
  /**
   * A TPDU (5 bytes, as 10 hex digits: id, destination, source) before the MTI, as
   * hosts behind a network access controller expect. Answers come back with
   * destination and source swapped.
   */
  readonly tpdu?: string;
}

export class PackagerError extends Error {}
