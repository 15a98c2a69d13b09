import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { IsoPackager } from '../packager/iso-packager';
import { IsoMessage } from '../packager/iso-message';

/** DES in ECB on one 8-byte block; single DES is triple DES with one key three times (the runtime has no plain DES). */
function des(key: Buffer, block: Buffer, decrypt = false): Buffer {
  const k = Buffer.concat([key, key, key]);
  const c = decrypt ? createDecipheriv('des-ede3', k, null) : createCipheriv('des-ede3', k, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

/** Double-length (16-byte) triple DES in ECB, for keys under the zone master key. */
function tdes(key: Buffer, data: Buffer, decrypt = false): Buffer {
  const k = Buffer.concat([key, key.subarray(0, 8)]);
  const c = decrypt ? createDecipheriv('des-ede3', k, null) : createCipheriv('des-ede3', k, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

/**
 * ANSI X9.19 retail MAC with a double-length key KL|KR: DES-CBC under KL over the
 * data padded with zeros to 8 bytes, then the last block decrypted under KR and
 * encrypted under KL again.
 *
 * @example
 * ```ts
 * x919Mac(Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex'), Buffer.from('Now is the time for all ', 'latin1'));
 * ```
 */
export function x919Mac(key: Buffer, data: Buffer): Buffer {
  if (key.length !== 16) throw new Error('an X9.19 key is 16 bytes');
  const kl = key.subarray(0, 8);
  const kr = key.subarray(8, 16);
  const padded = Buffer.concat([data, Buffer.alloc((8 - (data.length % 8)) % 8)]);
  let chain: Buffer = Buffer.alloc(8);
  for (let at = 0; at < padded.length; at += 8) {
    const block = Buffer.from(padded.subarray(at, at + 8).map((b, i) => b ^ chain[i]));
    chain = des(kl, block);
  }
  return des(kl, des(kr, chain, true));
}

/** Key check value: the first 3 bytes of the key encrypting zeros, as 6 hex digits. */
export function keyCheckValue(key: Buffer): string {
  return tdes(key, Buffer.alloc(8)).subarray(0, 3).toString('hex').toUpperCase();
}

/** A fresh working key, and its form under the zone master key (what goes on the wire). */
export function newWorkingKey(zoneMasterKey: Buffer): { clear: Buffer; underZmk: string; kcv: string } {
  const clear = randomBytes(16);
  return { clear, underZmk: tdes(zoneMasterKey, clear).toString('hex').toUpperCase(), kcv: keyCheckValue(clear) };
}

/** The clear working key from its form under the zone master key, or undefined when the check value disagrees. */
export function openWorkingKey(zoneMasterKey: Buffer, underZmk: string, kcv: string): Buffer | undefined {
  if (!/^[0-9A-F]{32}$/.test(underZmk)) return undefined;
  const clear = tdes(zoneMasterKey, Buffer.from(underZmk, 'hex'), true);
  return keyCheckValue(clear) === kcv ? clear : undefined;
}

/** The MAC field of a message: 64, or 128 when a secondary bitmap is present (the last bit of the last bitmap). */
function macField(message: IsoMessage): 64 | 128 {
  return [...message.fields.keys()].some((f) => f > 64 && f !== 128) ? 128 : 64;
}

/**
 * Packs a message with its MAC: the MAC field is set in the bitmap, the MAC is
 * computed over everything from the MTI to the byte before it (not the TPDU), and
 * written as its last 8 bytes.
 */
export function packWithMac(packager: IsoPackager, message: IsoMessage, key: Buffer): Buffer {
  const fields = new Map(message.fields);
  fields.delete(64);
  fields.delete(128);
  fields.set(macField({ ...message, fields }), '0'.repeat(16));
  const bytes = packager.pack({ ...message, fields });
  const start = packager.definition.tpdu === undefined ? 0 : 5;
  x919Mac(key, bytes.subarray(start, bytes.length - 8)).copy(bytes, bytes.length - 8);
  return bytes;
}

/** Whether a received message's MAC (its last 8 bytes) is right; a message without one is not. */
export function macValid(packager: IsoPackager, bytes: Buffer, message: IsoMessage, key: Buffer): boolean {
  const field = message.fields.has(128) ? 128 : message.fields.has(64) ? 64 : undefined;
  if (field === undefined || bytes.length < 8) return false;
  const start = packager.definition.tpdu === undefined ? 0 : 5;
  return timingSafeEqual(x919Mac(key, bytes.subarray(start, bytes.length - 8)), bytes.subarray(bytes.length - 8));
}
