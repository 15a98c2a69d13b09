import net from 'node:net';
import { DecodedMessage, decodeIso8583 } from './iso8583-reference-decoder';

export interface TappedFrame {
  readonly direction: 'to_bank' | 'to_tender';
  readonly message: DecodedMessage;
}

/**
 * A TCP proxy on loopback between the adapter and tender-bank-sim that decodes
 * every frame both ways with the reference decoder (2-byte length header) and
 * keeps them, so tests check exactly what went over the wire.
 */
export class WireTap {
  readonly frames: TappedFrame[] = [];
  readonly errors: string[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly target: number) {
    this.server = net.createServer((client) => this.relay(client));
  }

  static async start(targetPort: number): Promise<{ tap: WireTap; port: number }> {
    const tap = new WireTap(targetPort);
    const port = await new Promise<number>((resolve) => tap.server.listen(0, '127.0.0.1', () => resolve((tap.server.address() as net.AddressInfo).port)));
    return { tap, port };
  }

  /** Frames of one MTI, in order. */
  of(mti: string): DecodedMessage[] {
    return this.frames.filter((f) => f.message.mti === mti).map((f) => f.message);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket): void {
    const bank = net.connect({ host: '127.0.0.1', port: this.target });
    this.sockets.add(client).add(bank);
    this.pipe(client, bank, 'to_bank');
    this.pipe(bank, client, 'to_tender');
    const end = (): void => {
      client.destroy();
      bank.destroy();
    };
    client.on('close', end).on('error', end);
    bank.on('close', end).on('error', end);
  }

  private pipe(from: net.Socket, to: net.Socket, direction: TappedFrame['direction']): void {
    let buffered = Buffer.alloc(0);
    from.on('data', (chunk: Buffer) => {
      to.write(chunk);
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const body = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + body.length);
        try {
          this.frames.push({ direction, message: decodeIso8583(body) });
        } catch (error) {
          this.errors.push(`${direction}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    });
  }
}
