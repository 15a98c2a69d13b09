import assert from 'node:assert/strict';
import http from 'node:http';
import net, { AddressInfo } from 'node:net';
import { OutboundHttpClient, OutboundRefusal, OutboundRequestError, loadConfig } from '@tender/core';
import type { OutboundUrlGuard } from '@tender/core/dist/outbound/outbound-url-guard';
import { GuardedConnector } from '@tender/core/dist/outbound/outbound-connector';

/**
 * The outbound client's transport (undici, driven through its handler interface,
 * with Tender's connect hook): what a hostile receiver can do to a connection, over
 * real sockets on loopback. The address rules themselves are in outbound-client.spec
 * and outbound-rebinding.spec.
 */
describe('security: the outbound transport against hostile receivers', function () {
  this.timeout(30_000);
  const config = (env: Record<string, string> = {}) =>
    loadConfig({ TENDER_PUBLIC_URL: 'https://pay.example.com', TENDER_OUTBOUND_ALLOW_PRIVATE: 'true', TENDER_OUTBOUND_TIMEOUT_MS: '2000', ...env });
  const servers: http.Server[] = [];
  const clients: OutboundHttpClient[] = [];
  const serve = async (handler: http.RequestListener): Promise<{ url: (p: string) => string; connections: () => number }> => {
    const server = http.createServer(handler);
    let connections = 0;
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    servers.push(server);
    const port = (server.address() as AddressInfo).port;
    return { url: (p) => `http://127.0.0.1:${port}${p}`, connections: () => connections };
  };
  const client = (env: Record<string, string> = {}, resolver?: (host: string) => Promise<Array<{ address: string; family: 4 | 6 }>>) => {
    const c = OutboundHttpClient.create(config(env), resolver === undefined ? {} : { resolver });
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  it('closes a kept connection whose answer was cut at the limit: the next webhook never reads its rest', async () => {
    // The first answer is 100 KiB of 'A'; were the connection kept after 64 KiB, the
    // next request would read the leftover 'A's as its answer.
    const arrivals: string[] = [];
    const receiver = await serve((req, res) => {
      req.resume();
      arrivals.push(`${req.url ?? ''} on ${String(req.socket.remotePort)}`);
      if (req.url === '/big') res.writeHead(200, { 'Content-Length': String(100 * 1024) }).end('A'.repeat(100 * 1024));
      else res.end('second');
    });
    const c = client();
    const big = await c.request({ purpose: 'webhook', livemode: false, url: receiver.url('/big'), method: 'POST', body: '{}' });
    assert.equal(big.truncated, true);
    assert.equal(big.body.length, c.policy('webhook').maxResponseBytes);
    await new Promise((resolve) => setImmediate(resolve));
    const next = await c.request({ purpose: 'webhook', livemode: false, url: receiver.url('/next'), method: 'POST', body: '{}' });
    assert.equal(next.text(), 'second');
    assert.equal(arrivals.length, 2);
    assert.notEqual(arrivals[0].split(' on ')[1], arrivals[1].split(' on ')[1], `the cut connection was not reused: ${arrivals.join(', ')}`);
  });

  it('reports an answer that breaks off mid-body as response_cut, and keeps no part of it', async () => {
    const receiver = await serve((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Length': '1000' });
      res.write('x'.repeat(10), () => res.socket?.destroy());
    });
    await assert.rejects(
      client().request({ purpose: 'webhook', livemode: false, url: receiver.url('/cut'), method: 'POST', body: '{}' }),
      (e: unknown) => e instanceof OutboundRequestError && e.failure === 'response_cut',
    );
  });

  it('refuses answer headers larger than 16 KiB without reading on', async () => {
    const receiver = await serve((req, res) => {
      req.resume();
      res.writeHead(200, { 'X-Padding': 'p'.repeat(20 * 1024) }).end('ok');
    });
    await assert.rejects(
      client().request({ purpose: 'platform_api', livemode: false, url: receiver.url('/headers') }),
      (e: unknown) => e instanceof OutboundRequestError && e.failure === 'network',
    );
  });

  it('gives up on a connection that never comes up (a lookup that never answers) at the connect timeout', async () => {
    const never = (): Promise<never> => new Promise(() => undefined);
    const c = client({ TENDER_OUTBOUND_CONNECT_TIMEOUT_MS: '200' }, never);
    await assert.rejects(
      c.request({ purpose: 'platform_api', livemode: false, url: 'http://hang.test:8080/' }),
      (e: unknown) => e instanceof OutboundRequestError && e.failure === 'connect_timeout',
    );
  });

  it('holds the whole-request deadline while the request is still waiting for its connection', async () => {
    const never = (): Promise<never> => new Promise(() => undefined);
    const c = client({ TENDER_OUTBOUND_CONNECT_TIMEOUT_MS: '2000' }, never);
    await assert.rejects(
      c.request({ purpose: 'merchant_push', livemode: false, url: 'http://hang.test:8080/', method: 'POST', body: 'x=1', timeoutMs: 100 }),
      (e: unknown) => e instanceof OutboundRequestError && e.failure === 'timeout',
    );
  });

  it('checks the peer once connected: a lookup that handed over loopback where it is refused gets no byte sent', async () => {
    // A lookup that skips the guard's checks, as a regression in it would: the
    // connect hook's own check of the connected peer is what must still refuse.
    let received = 0;
    let accepted = 0;
    const target = net.createServer((socket) => {
      accepted++;
      socket.on('data', (d: Buffer) => (received += d.length));
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', () => resolve()));
    type Answer = (e: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void;
    const careless = {
      lookupFor: () => (_host: string, options: { all?: boolean }, callback: Answer) =>
        options.all === true ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4),
    } as unknown as OutboundUrlGuard;
    const connector = new GuardedConnector(careless, { allowPrivate: false }, 1000);
    try {
      const outcome = await new Promise<{ error: Error | null; socket: net.Socket | null }>((resolve) =>
        connector.connect({ hostname: 'careless.test', protocol: 'http:', port: String((target.address() as AddressInfo).port) }, (error, socket) =>
          resolve({ error, socket }),
        ),
      );
      assert.equal(outcome.socket, null);
      assert.ok(outcome.error instanceof OutboundRefusal && outcome.error.reason === 'private_address', String(outcome.error));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(accepted, 1, 'the TCP connection was made');
      assert.equal(received, 0, 'and closed before anything was sent on it');
    } finally {
      await new Promise<void>((resolve) => target.close(() => resolve()));
    }
  });

  it("sends the policy's User-Agent, or the caller's own instead, once", async () => {
    const agents: string[][] = [];
    const receiver = await serve((req, res) => {
      req.resume();
      agents.push(req.headersDistinct['user-agent'] ?? []);
      res.end('ok');
    });
    const c = client();
    await c.request({ purpose: 'webhook', livemode: false, url: receiver.url('/default'), method: 'POST', body: '{}' });
    await c.request({ purpose: 'platform_api', livemode: false, url: receiver.url('/own'), headers: { 'User-Agent': 'Plugin/2' } });
    assert.deepEqual(agents, [['Tender-Webhooks/1'], ['Plugin/2']]);
  });

  it('keeps no connection of a refused request: the next allowed request to that host still connects fresh and checked', async () => {
    const receiver = await serve((req, res) => {
      req.resume();
      res.end('ok');
    });
    const port = new URL(receiver.url('/')).port;
    let answer = '169.254.169.254';
    const c = client({}, async () => [{ address: answer, family: 4 }]);
    await assert.rejects(
      c.request({ purpose: 'webhook', livemode: false, url: `http://flip.test:${port}/a`, method: 'POST', body: '{}' }),
      (e: unknown) => e instanceof OutboundRefusal && e.reason === 'private_address',
    );
    answer = '127.0.0.1';
    const res = await c.request({ purpose: 'webhook', livemode: false, url: `http://flip.test:${port}/b`, method: 'POST', body: '{}' });
    assert.equal(res.text(), 'ok');
    assert.equal(receiver.connections(), 1);
    // A purpose without the per-request check is refused by the connect hook itself,
    // inside undici's pool: the pool must come out of it able to connect again.
    answer = '169.254.169.254';
    await assert.rejects(
      c.request({ purpose: 'platform_api', livemode: false, url: `http://flip.test:${port}/c` }),
      (e: unknown) => e instanceof OutboundRefusal && e.reason === 'private_address',
    );
    assert.equal(receiver.connections(), 1, 'the refused lookup opened no connection');
    answer = '127.0.0.1';
    assert.equal((await c.request({ purpose: 'platform_api', livemode: false, url: `http://flip.test:${port}/d` })).text(), 'ok');
    assert.equal(receiver.connections(), 2);
  });

  it('refuses a header value that would split the request (CR/LF) as a network failure, sending nothing', async () => {
    let requests = 0;
    const receiver = await serve((req, res) => {
      requests++;
      req.resume();
      res.end('ok');
    });
    await assert.rejects(
      client().request({
        purpose: 'webhook',
        livemode: false,
        url: receiver.url('/split'),
        method: 'POST',
        body: '{}',
        headers: { 'X-Note': 'a\r\nX-Injected: 1' },
      }),
      (e: unknown) => e instanceof OutboundRequestError && e.failure === 'network',
    );
    assert.equal(requests, 0);
  });
});
