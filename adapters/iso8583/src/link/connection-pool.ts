import { IsoMessage } from '../packager/iso-message';
import { IsoConnection, IsoConnectionOptions } from './iso-connection';
import { LinkError } from './link-log';

/**
 * A few connections to one processing centre; each request goes to the signed-on
 * connection with the fewest requests in flight.
 *
 * @example
 * ```ts
 * const pool = new ConnectionPool(3, options); pool.start();
 * const { answer } = await pool.request(isoMessage('0200', fields), 5000);
 * ```
 */
export class ConnectionPool {
  private readonly connections: IsoConnection[];

  constructor(size: number, options: IsoConnectionOptions) {
    this.connections = Array.from({ length: Math.max(1, size) }, () => new IsoConnection(options));
  }

  start(): void {
    for (const c of this.connections) c.start();
  }

  get readyCount(): number {
    return this.connections.filter((c) => c.isReady).length;
  }

  async waitReady(ms: number): Promise<boolean> {
    const results = await Promise.all(this.connections.map((c) => c.waitReady(ms)));
    return results.some(Boolean);
  }

  /** The signed-on connection with the fewest requests in flight, or undefined when none is. */
  pick(): IsoConnection | undefined {
    return this.connections.filter((c) => c.isReady).sort((a, b) => a.inFlight - b.inFlight)[0];
  }

  /**
   * Sends on `via` when it is still signed on (a reversal should follow its original
   * down the same connection, so the bank cannot see it first), else on the least busy.
   */
  request(message: IsoMessage, deadlineMs: number, via?: IsoConnection): Promise<{ answer: IsoMessage; connection: IsoConnection }> {
    const connection = via?.isReady === true ? via : this.pick();
    if (connection === undefined) return Promise.reject(new LinkError('not_connected', false));
    return connection.request(message, deadlineMs).then((answer) => ({ answer, connection }));
  }

  /** Round trip of an echo (0800/301) on one connection, in milliseconds; undefined when none answers. */
  async echoLatency(deadlineMs: number): Promise<number | undefined> {
    const connection = this.pick();
    if (connection === undefined) return undefined;
    const started = Date.now();
    return connection.echo(deadlineMs).then(
      () => Date.now() - started,
      () => undefined,
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.close()));
  }
}
