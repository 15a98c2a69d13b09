import { createHash, createHmac, hkdfSync } from 'node:crypto';

/**
 * The master key (key-encryption key) and the keys derived from it.
 *
 * The master key never encrypts data itself: it wraps per-record data keys (vault),
 * and HKDF derives the keys for keyed hashes (card fingerprints, request
 * fingerprints of idempotent requests) so a leaked database cannot be brute-forced
 * back to PANs: a PAN has too little entropy for a plain hash.
 *
 * @example
 * ```ts
 * const ring = new KeyRing(currentBase64, [previousBase64]);
 * ring.current.version; // e.g. 'k1a2b3c4d'
 * ```
 */
export interface MasterKey {
  readonly version: string;
  readonly key: Buffer;
}

export const KEY_RING = Symbol('KeyRing');

export class KeyRing {
  readonly current: MasterKey;
  private readonly byVersion = new Map<string, MasterKey>();
  private readonly fingerprintKey: Buffer;
  private readonly requestKey: Buffer;

  constructor(currentBase64: string, previousBase64: readonly string[] = []) {
    this.current = KeyRing.toMasterKey(currentBase64);
    for (const k of [this.current, ...previousBase64.map(KeyRing.toMasterKey)]) this.byVersion.set(k.version, k);
    this.fingerprintKey = derive(this.current.key, 'tender/card-fingerprint/v1');
    this.requestKey = derive(this.current.key, 'tender/request-fingerprint/v1');
  }

  /** The master key a record was wrapped with, or undefined when it has been retired. */
  find(version: string): MasterKey | undefined {
    return this.byVersion.get(version);
  }

  /** Keyed hash of a PAN: equal cards give equal fingerprints, and nothing leads back. */
  cardFingerprint(pan: string): string {
    return createHmac('sha256', this.fingerprintKey).update(pan).digest('hex');
  }

  /** Keyed hash of a request (which may carry card data) for idempotency comparisons. */
  requestFingerprint(parts: readonly string[]): string {
    const h = createHmac('sha256', this.requestKey);
    for (const p of parts) h.update(String(p.length)).update(':').update(p);
    return h.digest('hex');
  }

  /**
   * A 32-byte key for one purpose (`info`, e.g. 'tender/assist-salt/v1'), derived from
   * the current master key or from the one with `version` (to read what an earlier key sealed).
   */
  derivedKey(info: string, version: string = this.current.version): Buffer | undefined {
    const master = this.byVersion.get(version);
    return master === undefined ? undefined : derive(master.key, info);
  }

  /**
   * The AES-256 key that encrypts webhook signing secrets at rest, derived from the
   * master key of that version (undefined once the version is retired).
   */
  webhookSecretKey(version: string): Buffer | undefined {
    return this.derivedKey('tender/webhook-secret/v1', version);
  }

  /** Keyed hash that makes buyer status links unguessable (a link to /status/<payment>.<mac>). */
  statusLinkMac(paymentId: string): string {
    return createHmac('sha256', derive(this.current.key, 'tender/status-link/v1')).update(paymentId).digest('base64url').slice(0, 32);
  }

  private static toMasterKey(base64: string): MasterKey {
    const key = Buffer.from(base64, 'base64');
    if (key.length !== 32) throw new Error('a master key is 32 bytes');
    const version = `k${createHash('sha256').update(derive(key, 'tender/key-id/v1')).digest('hex').slice(0, 8)}`;
    return { version, key };
  }
}

function derive(key: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
}
