import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { KEY_RING, KeyRing } from '@tender/core';

/**
 * Seals TOTP secrets at rest (AES-256-GCM under a key derived from the master key,
 * the account id as associated data). The gateway needs the secret in clear to check
 * codes, so a hash would not do; a leaked database alone still yields no second factor.
 *
 * @example
 * ```ts
 * const sealed = box.seal('wac_1', 'JBSWY3DPEHPK3PXP');
 * box.open('wac_1', sealed.version, sealed.box); // 'JBSWY3DPEHPK3PXP'
 * ```
 */
@injectable()
export class TotpSecretBox {
  constructor(@inject(KEY_RING) private readonly keys: KeyRing) {}

  seal(accountId: string, secret: string): { version: string; box: string } {
    const version = this.keys.current.version;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keyFor(version), iv);
    cipher.setAAD(Buffer.from(accountId));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return { version, box: [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64')).join('.') };
  }

  open(accountId: string, version: string, box: string): string {
    const [iv, tag, ciphertext] = box.split('.').map((part) => Buffer.from(part, 'base64'));
    if (iv === undefined || tag === undefined || ciphertext === undefined) throw new Error('malformed TOTP secret box');
    const decipher = createDecipheriv('aes-256-gcm', this.keyFor(version), iv);
    decipher.setAAD(Buffer.from(accountId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  }

  private keyFor(version: string): Buffer {
    const key = this.keys.derivedKey('tender/web-totp/v1', version);
    if (key === undefined) throw new Error(`master key ${version} is not configured; cannot read TOTP secrets sealed with it`);
    return key;
  }
}
