import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyRing } from '@tender/core';

/**
 * Seals small secrets the adapter must keep (a PAN for a reversal or refund, a
 * connection's zone master key) with AES-256-GCM under a key derived from the
 * gateway's master key for one purpose. The text carries the master key version,
 * so a rotated ring still opens what an earlier key sealed; the AAD (a journal
 * reference, a connection id) ties a sealed value to its row.
 *
 * @example
 * ```ts
 * const sealer = new Sealer(keyRing, 'tender/iso8583-pan/v1');
 * const box = sealer.seal('4242424242424242', 'op_1');
 * sealer.open(box, 'op_1'); // '4242424242424242'
 * ```
 */
export class Sealer {
  constructor(
    private readonly keys: KeyRing,
    private readonly purpose: string,
  ) {}

  seal(plaintext: string, aad: string): string {
    const version = this.keys.current.version;
    const key = this.keys.derivedKey(this.purpose, version);
    if (key === undefined) throw new Error('the current master key is missing from the key ring');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['s1', version, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join('.');
  }

  /** The plaintext, or undefined when the box is not ours, was moved to another row, or its key is retired. */
  open(box: string, aad: string): string | undefined {
    const [tag0, version, iv, tag, ciphertext] = box.split('.');
    if (tag0 !== 's1' || version === undefined || iv === undefined || tag === undefined || ciphertext === undefined) return undefined;
    const key = this.keys.derivedKey(this.purpose, version);
    if (key === undefined) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
