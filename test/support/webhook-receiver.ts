import http from 'node:http';
import { AddressInfo } from 'node:net';

/** Fast retries so the three-day schedule runs in milliseconds; loopback receivers allowed (test mode). */
export const FAST_WEBHOOKS = {
  TENDER_OUTBOUND_ALLOW_PRIVATE: 'true',
  TENDER_NOTIFY_POLL_MS: '20',
  TENDER_WEBHOOK_RETRY_BASE_MS: '20',
  TENDER_WEBHOOK_RETRY_MAX_MS: '100',
  TENDER_WEBHOOK_TIMEOUT_MS: '1000',
};

export interface ReceivedWebhook {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly eventId: string;
  /** The status this receiver answered with (undefined while it hangs). */
  status?: number;
}

/**
 * A real HTTP server on 127.0.0.1 that plays a shop's webhook receiver. `answer`
 * decides the status per request (or `'hang'` to never answer); every request is kept
 * in `received`. Concurrent requests for the same event id are counted, so a test can
 * prove no attempt was made twice at once.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  answer: (hook: ReceivedWebhook, index: number) => number | 'hang' = () => 200;
  concurrentDuplicates = 0;
  /** Milliseconds each answer is held back, so that concurrent requests overlap. */
  delayMs = 0;
  /** The most requests this receiver was answering at one time. */
  maxInFlight = 0;
  private answering = 0;
  private readonly inFlight = new Set<string>();
  private server: http.Server | undefined;
  private waiters: Array<() => void> = [];
  port = 0;

  async start(port = 0): Promise<this> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const hook: ReceivedWebhook = { headers: req.headers, body, eventId: String(req.headers['tender-event-id']) };
        if (this.inFlight.has(hook.eventId)) this.concurrentDuplicates++;
        this.inFlight.add(hook.eventId);
        this.answering++;
        this.maxInFlight = Math.max(this.maxInFlight, this.answering);
        const index = this.received.length;
        this.received.push(hook);
        const status = this.answer(hook, index);
        if (status === 'hang') {
          req.socket.on('close', () => {
            this.answering--;
            this.inFlight.delete(hook.eventId);
          });
          return;
        }
        // Yield at least once so a concurrent duplicate, if the gateway sent one, would overlap.
        const later = (fn: () => void): unknown => (this.delayMs > 0 ? setTimeout(fn, this.delayMs) : setImmediate(fn));
        later(() => {
          this.answering--;
          hook.status = status;
          this.inFlight.delete(hook.eventId);
          res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status >= 200 && status < 300 ? 'ok' : `no thanks (${status})`);
          for (const w of this.waiters.splice(0)) w();
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Event ids answered with a 2xx, in the order they were acknowledged. */
  acknowledged(): string[] {
    return this.received.filter((h) => h.status !== undefined && h.status >= 200 && h.status < 300).map((h) => h.eventId);
  }

  /** Resolves when `condition` holds, checking after every answer (and every 50 ms). */
  async until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Polls an async condition (database state) until it holds. */
export async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
