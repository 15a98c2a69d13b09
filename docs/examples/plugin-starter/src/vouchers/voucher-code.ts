import { createHash, randomInt } from 'node:crypto';

/** Crockford's base32 alphabet: no I, L, O or U, so a code read aloud or retyped survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A voucher code once normalized: 16 characters, 80 random bits (not guessable by trying). */
export const VOUCHER_CODE = /^[0-9A-HJKMNP-TV-Z]{16}$/;

/**
 * A new voucher code, printed in groups of four (`7K2M-9QXD-H4TR-0BZC`). Shown once,
 * when it is issued; the ledger keeps only its hash.
 *
 * @example
 * ```ts
 * const code = newVoucherCode(); // '7K2M-9QXD-H4TR-0BZC'
 * ```
 */
export function newVoucherCode(): string {
  const chars = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** What a buyer typed into the form a code compares as: upper case, without spaces and dashes. */
export function normalizeVoucherCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]+/g, '');
}

/**
 * The stored form of a code. A plain SHA-256 suffices because codes carry 80 random
 * bits: there is no dictionary to try. Whoever reads the table cannot spend a voucher.
 */
export function voucherCodeHash(normalized: string): string {
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}
