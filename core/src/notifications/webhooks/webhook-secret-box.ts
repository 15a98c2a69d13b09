import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { KEY_RING, KeyRing } from '../../vault/key-ring';

/**
 * Encrypts webhook signing secrets at rest (AES-256-GCM under a key derived from the
 * master key). A secret has to be recoverable because Tender signs with it; a leaked
 * database alone still does not let anyone forge webhooks.
 *
 * Stored form: `<iv b64>.<tag b64>.<ciphertext b64>`, with the endpoint id as
 * associated data so a box cannot be moved to another endpoint.
 *
 * @example
 * ```ts
 * const sealed = box.seal('we_123', 'whsec_abc');
 * box.open('we_123', sealed.version, sealed.box); // 'whsec_abc'
 * ```
 */
@injectable()
export class WebhookSecretBox {
  constructor(@inject(KEY_RING) private readonly keys: KeyRing) {}

  seal(endpointId: string, secret: string): { version: string; box: string } {
    const version = this.keys.current.version;
    const key = this.keyFor(version);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(endpointId));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return { version, box: [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64')).join('.') };
  }

  open(endpointId: string, version: string, box: string): string {
    const [iv, tag, ciphertext] = box.split('.').map((part) => Buffer.from(part, 'base64'));
    if (iv === undefined || tag === undefined || ciphertext === undefined) throw new Error('malformed webhook secret box');
    const decipher = createDecipheriv('aes-256-gcm', this.keyFor(version), iv);
    decipher.setAAD(Buffer.from(endpointId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  }

  private keyFor(version: string): Buffer {
    const key = this.keys.webhookSecretKey(version);
    if (key === undefined) throw new Error(`master key ${version} is not configured; cannot read webhook secrets sealed with it`);
    return key;
  }
}
