/** How a message's length is written before it: 2 bytes big-endian, or 4 ASCII digits. */
export type LengthHeader = 'binary2' | 'ascii4';

/**
 * Splits a TCP byte stream into frames behind a length header (2-byte big-endian
 * binary by default, or 4 ASCII digits). TCP delivers bytes, not messages: a frame
 * may arrive in pieces or several at once. A 4-digit header that is not digits
 * poisons the stream: the decoder throws, and the caller drops the connection.
 *
 * @example
 * ```ts
 * const decoder = new FrameDecoder();
 * socket.on('data', (chunk) => { for (const frame of decoder.push(chunk)) handle(frame); });
 * ```
 */
export class FrameDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly header: LengthHeader = 'binary2') {}

  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: Buffer[] = [];
    const size = this.header === 'binary2' ? 2 : 4;
    while (this.buffered.length >= size) {
      const length = this.header === 'binary2' ? this.buffered.readUInt16BE(0) : asciiLength(this.buffered.subarray(0, 4));
      if (this.buffered.length < size + length) break;
      frames.push(this.buffered.subarray(size, size + length));
      this.buffered = this.buffered.subarray(size + length);
    }
    return frames;
  }
}

function asciiLength(header: Buffer): number {
  const text = header.toString('latin1');
  if (!/^\d{4}$/.test(text)) throw new Error('the 4-digit length header holds non-digits');
  return Number(text);
}

/** Prefixes a message with its length header. */
export function frame(message: Buffer, header: LengthHeader = 'binary2'): Buffer {
  if (header === 'ascii4') {
    if (message.length > 9999) throw new Error('an ISO 8583 message longer than 9999 bytes cannot be framed with a 4-digit header');
    return Buffer.concat([Buffer.from(String(message.length).padStart(4, '0'), 'latin1'), message]);
  }
  if (message.length > 0xffff) throw new Error('an ISO 8583 message longer than 65535 bytes cannot be framed');
  const head = Buffer.alloc(2);
  head.writeUInt16BE(message.length, 0);
  return Buffer.concat([head, message]);
}
