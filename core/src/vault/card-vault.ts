import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { DATABASE, Queryable } from '../db/database';
import { CLOCK, Clock } from '../clock/clock';
import { newId } from '../ids/ids';
import { KEY_RING, KeyRing } from './key-ring';

/**
 * Stores PANs encrypted at rest (AES-256-GCM with a fresh data key per record; the
 * data key is wrapped by the master key, whose version is kept on the row). Nothing
 * outside the vault ever holds a full PAN longer than one bank request.
 *
 * @example
 * ```ts
 * const token = await vault.store(trx, { merchantId, livemode: false, pan: '4242424242424242' });
 * const pan = await vault.reveal(db, token.id, merchantId, false); // for a bank that needs it
 * ```
 */
export interface StoredCard {
  readonly id: string;
  readonly fingerprint: string;
}

@injectable()
export class CardVault {
  constructor(
    @inject(KEY_RING) private readonly keys: KeyRing,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(DATABASE) private readonly db: Queryable,
  ) {}

  fingerprint(pan: string): string {
    return this.keys.cardFingerprint(pan);
  }

  async store(q: Queryable, input: { merchantId: string; livemode: boolean; pan: string }): Promise<StoredCard> {
    const dataKey = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    const id = newId('card');
    // The row id is authenticated with the PAN: a ciphertext copied to another row does not decrypt.
    cipher.setAAD(Buffer.from(id));
    const ciphertext = Buffer.concat([cipher.update(input.pan, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    const master = this.keys.current;
    const fingerprint = this.keys.cardFingerprint(input.pan);
    await q('card_vault').insert({
      id,
      merchant_id: input.merchantId,
      livemode: input.livemode,
      fingerprint,
      key_version: master.version,
      wrapped_key: wrap(master.key, dataKey),
      iv: iv.toString('base64'),
      tag: tag.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      created_at: this.clock.now(),
    });
    dataKey.fill(0);
    return { id, fingerprint };
  }

  /**
   * Removes a stored card for good (the row, not a flag): nothing can reveal it
   * afterwards. Scoped by merchant and mode; false when no such row was there. A
   * payment that named the card keeps its brand, BIN and last 4 (its own columns).
   *
   * @example
   * ```ts
   * await vault.delete(trx, 'card_...', merchantId, livemode); // true
   * await vault.reveal('card_...', merchantId, livemode); // undefined
   * ```
   */
  async delete(q: Queryable, id: string, merchantId: string, livemode: boolean): Promise<boolean> {
    const removed = await q('card_vault').where({ id, merchant_id: merchantId, livemode }).delete();
    return Number(removed) > 0;
  }

  /** Decrypts a stored PAN for a bank request. Scoped by merchant and mode like every read. */
  async reveal(id: string, merchantId: string, livemode: boolean, q: Queryable = this.db): Promise<string | undefined> {
    const row = await q('card_vault').where({ id, merchant_id: merchantId, livemode }).first();
    if (row === undefined) return undefined;
    const master = this.keys.find(String(row.key_version));
    if (master === undefined) throw new Error(`master key ${String(row.key_version)} is not configured; cannot read card ${id}`);
    const dataKey = unwrap(master.key, String(row.wrapped_key));
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(String(row.iv), 'base64'));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(Buffer.from(String(row.tag), 'base64'));
    const pan = Buffer.concat([decipher.update(Buffer.from(String(row.ciphertext), 'base64')), decipher.final()]).toString('utf8');
    dataKey.fill(0);
    return pan;
  }
}

/** Wraps a data key under the master key: base64(iv | tag | ciphertext). */
function wrap(master: Buffer, dataKey: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', master, iv);
  const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
}

function unwrap(master: Buffer, wrapped: string): Buffer {
  const raw = Buffer.from(wrapped, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', master, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}
