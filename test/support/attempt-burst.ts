import http from 'node:http';
import net from 'node:net';
import { AddressInfo } from 'node:net';
import { Express } from 'express';

/** An app on a real loopback port that counts the requests that have reached it. */
export interface ServedApp {
  readonly url: string;
  readonly port: number;
  /** How many `METHOD /path` requests (query left off) have arrived so far. */
  arrivals(method: string, path: string): number;
  close(): Promise<void>;
}

export async function serveCounting(app: Express): Promise<ServedApp> {
  const seen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const key = `${req.method ?? ''} ${(req.url ?? '').split('?')[0] ?? ''}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    arrivals: (method, path) => seen.get(`${method} ${path}`) ?? 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls until `probe` holds; mocha's timeout is the only limit (no assertion on time). */
export async function until(probe: () => boolean): Promise<void> {
  while (!probe()) await new Promise((r) => setTimeout(r, 2));
}

/** One form POST, written byte for byte on its own connection. */
export interface FormPost {
  readonly target: ServedApp;
  readonly path: string;
  readonly form: Record<string, string>;
  readonly cookie?: string;
}

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
export function cookieHeader(setCookie: string | string[] | undefined): string {
  return ([] as string[])
    .concat(setCookie ?? [])
    .map((c) => c.split(';')[0] ?? '')
    .join('; ');
}

interface Connected {
  readonly socket: net.Socket;
  readonly answer: Promise<{ status: number; body: string }>;
}

function connect(target: ServedApp): Promise<Connected> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(target.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const answer = new Promise<{ status: number; body: string }>((done, fail) => {
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', fail);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
        const body = text.slice(text.indexOf('\r\n\r\n') + 4);
        done({ status, body: /transfer-encoding: chunked/i.test(text.slice(0, text.indexOf('\r\n\r\n'))) ? unchunk(body) : body });
      });
    });
    socket.once('connect', () => resolve({ socket, answer }));
    socket.once('error', reject);
  });
}

function unchunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

function bytesOf(post: FormPost): string {
  const body = new URLSearchParams(post.form).toString();
  const headers = [
    `POST ${post.path} HTTP/1.1`,
    `Host: 127.0.0.1:${post.target.port}`,
    'Connection: close',
    'Content-Type: application/x-www-form-urlencoded',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(post.cookie === undefined || post.cookie === '' ? [] : [`Cookie: ${post.cookie}`]),
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * The race an attacker runs: every wrong guess is written at the same instant (each on
 * a connection opened beforehand), and once all of them have reached the gateway, and
 * are being checked, the right secret is sent: it comes past the limit. Answers in the
 * order given, the right one last.
 *
 * @example
 * ```ts
 * const answers = await burstPastTheLimit(wrongPosts, rightPost);
 * assert.equal(answers.filter((a) => a.status === 303).length, 0);
 * ```
 */
export async function burstPastTheLimit(wrong: readonly FormPost[], right: FormPost): Promise<Array<{ status: number; body: string }>> {
  const all = [...wrong, right];
  const arrived = (): number =>
    all
      .reduce<ServedApp[]>((seen, p) => (seen.includes(p.target) ? seen : [...seen, p.target]), [])
      .reduce((n, s) => n + s.arrivals('POST', right.path.split('?')[0] ?? ''), 0);
  const before = arrived();
  const connections = await Promise.all(all.map((p) => connect(p.target)));
  // Written in one synchronous loop: the gateway reads them as one burst.
  for (let i = 0; i < wrong.length; i++) connections[i].socket.write(bytesOf(wrong[i]));
  // Polled every turn of the event loop: the right secret follows the moment the last
  // wrong one has arrived, while they are all still being checked.
  while (arrived() - before < wrong.length) await new Promise((r) => setImmediate(r));
  connections[wrong.length].socket.write(bytesOf(right));
  return Promise.all(connections.map((c) => c.answer));
}
