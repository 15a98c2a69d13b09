import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyRing } from '@tender/core';

/** The CA private key as stored: AES-256-GCM under a key derived from one master key. */
export interface SealedKey {
  readonly keyVersion: string;
  readonly iv: string;
  readonly tag: string;
  readonly ciphertext: string;
}

const PURPOSE = 'tender/ca-private-key/v1';

/**
 * Seals the CA private key under the master key, so a copy of the database alone
 * cannot sign certificates. The CA id is the associated data: a sealed key moved to
 * another CA row does not open.
 *
 * @example
 * ```ts
 * const sealed = sealCaKey(ring, 'ca_1', pem);
 * openCaKey(ring, 'ca_1', sealed) === pem; // true
 * ```
 */
export function sealCaKey(ring: KeyRing, caId: string, privateKeyPem: string): SealedKey {
  const key = ring.derivedKey(PURPOSE, ring.current.version);
  if (key === undefined) throw new Error('the current master key is missing from the key ring');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(caId));
  const ciphertext = Buffer.concat([cipher.update(privateKeyPem, 'utf8'), cipher.final()]);
  return {
    keyVersion: ring.current.version,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

export function openCaKey(ring: KeyRing, caId: string, sealed: SealedKey): string {
  const key = ring.derivedKey(PURPOSE, sealed.keyVersion);
  if (key === undefined) throw new Error(`the CA key is sealed under master key ${sealed.keyVersion}, which is not configured`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(caId));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
}
