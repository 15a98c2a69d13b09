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
 * const answer = await pool.request(isoMessage('0200', fields), 5000);
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

  request(message: IsoMessage, deadlineMs: number): Promise<IsoMessage> {
    const ready = this.connections.filter((c) => c.isReady).sort((a, b) => a.inFlight - b.inFlight);
    const connection = ready[0];
    if (connection === undefined) return Promise.reject(new LinkError('not_connected', false));
    return connection.request(message, deadlineMs);
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.close()));
  }
}
