/**
 * Splits a TCP byte stream into frames with a 2-byte big-endian length header.
 * TCP delivers bytes, not messages: a frame may arrive in pieces or several at once.
 *
 * @example
 * ```ts
 * const decoder = new FrameDecoder();
 * socket.on('data', (chunk) => { for (const frame of decoder.push(chunk)) handle(frame); });
 * ```
 */
export class FrameDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: Buffer[] = [];
    while (this.buffered.length >= 2) {
      const length = this.buffered.readUInt16BE(0);
      if (this.buffered.length < 2 + length) break;
      frames.push(this.buffered.subarray(2, 2 + length));
      this.buffered = this.buffered.subarray(2 + length);
    }
    return frames;
  }
}

/** Prefixes a message with its 2-byte big-endian length. */
export function frame(message: Buffer): Buffer {
  if (message.length > 0xffff) throw new Error('an ISO 8583 message longer than 65535 bytes cannot be framed');
  const header = Buffer.alloc(2);
  header.writeUInt16BE(message.length, 0);
  return Buffer.concat([header, message]);
}
