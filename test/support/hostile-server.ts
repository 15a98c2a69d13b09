import http from 'node:http';
import { AddressInfo } from 'node:net';

/** How a HostileServer answers every request. */
export type HostileBehaviour =
  | { readonly kind: 'answer'; readonly status: number; readonly body: string; readonly contentType?: string }
  | { readonly kind: 'redirect'; readonly location: string; readonly status?: number }
  /** 200 and a body of `totalBytes` (JSON-looking, never ending properly), written with backpressure. */
  | { readonly kind: 'endless'; readonly totalBytes: number }
  /** 200, the start of a JSON body, then one byte every `everyMs`, for at most `forMs`. */
  | { readonly kind: 'drip'; readonly everyMs: number; readonly forMs: number };

/**
 * A loopback HTTP server that plays a hostile or broken target of a gateway-initiated
 * request (a webhook receiver, a Saleor store, an Assist shop): it redirects, answers
 * without end, or drips. It records how many requests arrived, how many bytes the
 * gateway let it write, and whether the gateway hung up before the server was done.
 */
export class HostileServer {
  behaviour: HostileBehaviour;
  /** Requests per path, in arrival order. */
  readonly requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }> = [];
  /** Bytes of body the server wrote and the socket accepted. */
  bytesWritten = 0;
  /** True once the client closed a connection while the server still had body to send. */
  cutByClient = false;
  port = 0;
  private server: http.Server | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Set while the test closes the server, so its own hang-up is not taken for the client's. */
  private closing = false;
  private readonly sockets = new Set<import('node:net').Socket>();

  constructor(behaviour: HostileBehaviour) {
    this.behaviour = behaviour;
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      req.resume();
      this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
      const b = this.behaviour;
      switch (b.kind) {
        case 'answer':
          res.writeHead(b.status, { 'Content-Type': b.contentType ?? 'application/json' }).end(b.body);
          return;
        case 'redirect':
          res.writeHead(b.status ?? 302, { Location: b.location }).end();
          return;
        case 'endless':
          this.endless(res, b.totalBytes);
          return;
        case 'drip':
          this.drip(res, b.everyMs, b.forMs);
          return;
      }
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests that reached `path`. */
  hits(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  private endless(res: http.ServerResponse, totalBytes: number): void {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let left = totalBytes;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"keys":[');
    const pump = (): void => {
      while (left > 0) {
        const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= part.length;
        const more = res.write(part, (error) => {
          if (error === null || error === undefined) this.bytesWritten += part.length;
        });
        if (!more) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    res.on('close', () => {
      if (left > 0 && !this.closing) this.cutByClient = true;
      left = 0;
    });
    pump();
  }

  private drip(res: http.ServerResponse, everyMs: number, forMs: number): void {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"keys":[');
    let done = false;
    const timer = setInterval(() => {
      if (!done) res.write(' ');
    }, everyMs);
    this.timers.add(timer);
    const stop = setTimeout(() => {
      done = true;
      clearInterval(timer);
      res.end(']}');
    }, forMs);
    this.timers.add(stop);
    res.on('close', () => {
      if (!done && !this.closing) this.cutByClient = true;
      done = true;
      clearInterval(timer);
      clearTimeout(stop);
    });
  }

  /** Resolves once every connection is closed (by the client), or after `boundMs`. */
  async idle(boundMs = 5000): Promise<void> {
    const deadline = Date.now() + boundMs;
    while (this.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const t of this.timers) clearTimeout(t);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())));
  }
}
