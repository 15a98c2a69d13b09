import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A random base62 string. 24 characters carry about 142 bits, enough for ids that
 * double as capabilities (payment page tokens) and for API keys.
 */
export function randomToken(length = 24): string {
  // Rejection sampling keeps every character equally likely.
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/** Object ids: a type prefix and a random part, e.g. `pay_4fJ2...`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomToken(24)}`;
}
