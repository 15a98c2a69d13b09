import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt cost parameters. N = 2^15, r = 8, p = 1 is the OWASP password-storage
 * baseline for scrypt: about 32 MiB and some tens of milliseconds per hash on a
 * server core, which makes offline guessing expensive while a sign-in stays quick.
 * Each hash records its own parameters, so raising them later leaves old hashes valid
 * (and `needsRehash` lets sign-in upgrade them).
 */
export const SCRYPT_PARAMS = { N: 1 << 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

/** Passwords shorter than this are refused; longer than the maximum too (scrypt input is bounded). */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/**
 * Password hashing with scrypt from node:crypto (no native dependency).
 * Stored form: `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`.
 *
 * @example
 * ```ts
 * const stored = await hashPassword('correct horse battery');
 * await verifyPassword('correct horse battery', stored); // true
 * ```
 */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keyLength, saltLength } = SCRYPT_PARAMS;
  const salt = randomBytes(saltLength);
  const hash = await derive(password, salt, N, r, p, keyLength);
  return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (parsed === undefined) return false;
  const hash = await derive(password, parsed.salt, parsed.N, parsed.r, parsed.p, parsed.hash.length);
  return timingSafeEqual(hash, parsed.hash);
}

export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  return parsed === undefined || parsed.N < SCRYPT_PARAMS.N || parsed.r < SCRYPT_PARAMS.r || parsed.p < SCRYPT_PARAMS.p;
}

/**
 * A hash of a random password nobody knows: verified against when the e-mail is
 * unknown, so an unknown e-mail costs the same time as a wrong password.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(24).toString('base64'));
  return decoy;
}

function parse(stored: string): { N: number; r: number; p: number; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (N === undefined || r === undefined || p === undefined || ![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return undefined;
  // Refuse absurd costs from a tampered row rather than exhausting memory.
  if (N > 1 << 20 || r > 32 || p > 16) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const hash = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length < 8 || hash.length < 16) return undefined;
  return { N, r, p, salt, hash };
}

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must exceed 128 * N * r bytes (32 MiB at the defaults).
    scrypt(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (error, key) => (error === null ? resolve(key) : reject(error)));
  });
}
