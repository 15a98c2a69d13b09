import http from 'node:http';
import { AddressInfo } from 'node:net';

/** What the bench receiver saw: first receipt time and lag per event id, and duplicates. */
export interface ReceiverTally {
  /** Event id -> lag of its first receipt (receipt time - the event's `created_at`), in ms. */
  readonly firstLagMs: ReadonlyMap<string, number>;
  /** Event id -> its `created_at` in ms. */
  readonly createdAt: ReadonlyMap<string, number>;
  /** Requests for an event id already received (at-least-once redeliveries). */
  readonly duplicates: number;
  /** Requests for an event id while another request for it was still being answered. */
  readonly concurrentDuplicates: number;
  readonly requests: number;
}

/**
 * A shop's webhook receiver for the bench: a real HTTP server on 127.0.0.1 in the
 * harness process that answers `200` at once and notes, per event id, how long after
 * the event was written it first arrived. It does not verify signatures (the tests
 * do); it measures how fast Tender delivers, so it costs as little as it can.
 *
 * @example
 * ```ts
 * const receiver = await BenchWebhookReceiver.start();
 * // register receiver.url as each merchant's endpoint, run the load, then:
 * const tally = receiver.tally();
 * await receiver.close();
 * ```
 */
export class BenchWebhookReceiver {
  private readonly lag = new Map<string, number>();
  private readonly created = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private duplicates = 0;
  private concurrentDuplicates = 0;
  private requests = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<BenchWebhookReceiver> {
    let receiver: BenchWebhookReceiver | undefined;
    const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        receiver?.note(Buffer.concat(chunks).toString('utf8'), () => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok'));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    receiver = new BenchWebhookReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`);
    return receiver;
  }

  private note(body: string, answer: () => void): void {
    const now = Date.now();
    this.requests++;
    let id = '';
    let created = Number.NaN;
    try {
      const event = JSON.parse(body) as { id?: unknown; created_at?: unknown };
      id = typeof event.id === 'string' ? event.id : '';
      created = typeof event.created_at === 'string' ? Date.parse(event.created_at) : Number.NaN;
    } catch {
      // A body that is not JSON is still answered; it just is not counted.
    }
    if (id !== '') {
      if (this.inFlight.has(id)) this.concurrentDuplicates++;
      if (this.lag.has(id)) this.duplicates++;
      else if (Number.isFinite(created)) {
        this.lag.set(id, now - created);
        this.created.set(id, created);
      }
      this.inFlight.add(id);
    }
    answer();
    if (id !== '') this.inFlight.delete(id);
  }

  tally(): ReceiverTally {
    return {
      firstLagMs: this.lag,
      createdAt: this.created,
      duplicates: this.duplicates,
      concurrentDuplicates: this.concurrentDuplicates,
      requests: this.requests,
    };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
