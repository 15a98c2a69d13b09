import { FieldDefinition, PackagerDefinition } from './field-definition';

const n = (name: string, length: number): FieldDefinition => ({ name, format: 'n', prefix: 'fixed', length });
const an = (name: string, length: number): FieldDefinition => ({ name, format: 'an', prefix: 'fixed', length });
const ans = (name: string, length: number): FieldDefinition => ({ name, format: 'ans', prefix: 'fixed', length });

/** The ISO 8583:1987 fields Tender sends and reads (../shared/DOMAIN.md). */
export const ISO8583_1987_FIELDS: Readonly<Record<number, FieldDefinition>> = {
  2: { name: 'PAN', format: 'n', prefix: 'LLVAR', length: 19 },
  3: n('processing code', 6),
  4: n('amount, transaction', 12),
  7: n('transmission date and time', 10),
  11: n('system trace audit number', 6),
  12: n('local transaction time', 6),
  13: n('local transaction date', 4),
  14: n('expiration date', 4),
  22: n('POS entry mode', 3),
  37: an('retrieval reference number', 12),
  38: an('authorization identification response', 6),
  39: an('response code', 2),
  41: ans('card acceptor terminal id', 8),
  42: ans('card acceptor id code', 15),
  49: n('currency code, transaction', 3),
  70: n('network management information code', 3),
  90: n('original data elements', 42),
};

/** ASCII everywhere, binary bitmap, 2-byte binary length header: the most common text dialect. */
export const ASCII_DIALECT: PackagerDefinition = {
  name: 'iso8583-1987-ascii',
  fields: ISO8583_1987_FIELDS,
  numeric: 'ascii',
  lengthPrefix: 'ascii',
  bitmap: 'binary',
};

/** Packed BCD numbers and length prefixes, binary bitmap: what many host processors speak. */
export const BCD_DIALECT: PackagerDefinition = { name: 'iso8583-1987-bcd', fields: ISO8583_1987_FIELDS, numeric: 'bcd', lengthPrefix: 'bcd', bitmap: 'binary' };

/** EBCDIC (code page 037) characters and digits, binary bitmap: mainframe hosts. */
export const EBCDIC_DIALECT: PackagerDefinition = { ...ASCII_DIALECT, name: 'iso8583-1987-ebcdic', charset: 'ebcdic' };

/** BCD with a TPDU before the MTI and the PAN padded with a trailing F: hosts behind a network access controller. */
export const BCD_TPDU_DIALECT: PackagerDefinition = { ...BCD_DIALECT, name: 'iso8583-1987-bcd-tpdu', tpdu: '6000010000', bcdPadding: 'trailingF' };

/** ASCII with a 4-digit ASCII length header instead of the 2-byte binary one. */
export const ASCII4_DIALECT: PackagerDefinition = { ...ASCII_DIALECT, name: 'iso8583-1987-ascii4', lengthHeader: 'ascii4' };

/** Dialects by name (the adapter's `dialect` option). */
export const DIALECTS: Readonly<Record<string, PackagerDefinition>> = Object.freeze(
  Object.fromEntries([ASCII_DIALECT, BCD_DIALECT, EBCDIC_DIALECT, BCD_TPDU_DIALECT, ASCII4_DIALECT].map((d) => [d.name, d])),
);
