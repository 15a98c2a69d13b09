import { createCipheriv, createDecipheriv, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { KeyRing } from '@tender/core';

/**
 * The two Assist secrets at rest. The SALT is sealed (AES-256-GCM, key derived from
 * the master key, merchant id as associated data) because every checkvalue needs it in
 * clear; the API password is only ever compared, so it is kept as a scrypt hash.
 *
 * @example
 * ```ts
 * const sealed = sealSalt(keyRing, 'mer_1', 'my-secret-word');
 * openSalt(keyRing, 'mer_1', sealed); // 'my-secret-word'
 * ```
 */
export interface SealedSalt {
  readonly keyVersion: string;
  readonly iv: string;
  readonly tag: string;
  readonly ciphertext: string;
}

const SALT_KEY_INFO = 'tender/assist-salt/v1';
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

export function sealSalt(keys: KeyRing, merchantId: string, salt: string): SealedSalt {
  const keyVersion = keys.current.version;
  const key = keys.derivedKey(SALT_KEY_INFO, keyVersion);
  if (key === undefined) throw new Error('the current master key is missing from the key ring');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(merchantId));
  const ciphertext = Buffer.concat([cipher.update(salt, 'utf8'), cipher.final()]);
  return { keyVersion, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

export function openSalt(keys: KeyRing, merchantId: string, sealed: SealedSalt): string {
  const key = keys.derivedKey(SALT_KEY_INFO, sealed.keyVersion);
  if (key === undefined) throw new Error(`master key ${sealed.keyVersion} is not configured; cannot read the Assist SALT of ${merchantId}`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(merchantId));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keylen);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const given = await scryptAsync(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p), expected.length);
  return timingSafeEqual(given, expected);
}

function scryptAsync(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, { N, r, p }, (error, key) => (error === null ? resolve(key) : reject(error)));
  });
}
