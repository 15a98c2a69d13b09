import assert from 'node:assert/strict';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { OutboundHttpClient, OutboundRefusal, OutboundRequestError, loadConfig } from '@tender/core';
import { HostileServer } from '../support/hostile-server';
import { RebindingResolver } from '../support/rebinding-resolver';

/**
 * The outbound client on its own, against real servers on loopback: what every caller
 * gets without doing anything for it.
 */
describe('security: the outbound HTTP client', function () {
  this.timeout(30_000);
  const config = (env: Record<string, string> = {}) =>
    loadConfig({ TENDER_PUBLIC_URL: 'https://pay.example.com', TENDER_OUTBOUND_ALLOW_PRIVATE: 'true', TENDER_OUTBOUND_TIMEOUT_MS: '1000', ...env });
  const open = OutboundHttpClient.create(config());
  const strict = OutboundHttpClient.create(config({ TENDER_OUTBOUND_ALLOW_PRIVATE: 'false' }));
  let ok: HostileServer;
  before(async () => {
    ok = await new HostileServer({ kind: 'answer', status: 200, body: '{"ok":true}' }).start();
  });
  after(async () => ok.close());

  it('reaches a test-mode target on loopback only where private targets are allowed, never in live mode', async () => {
    const res = await open.request({ purpose: 'platform_api', livemode: false, url: ok.url('/a') });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { ok: true });
    await assert.rejects(
      open.request({ purpose: 'platform_api', livemode: true, url: ok.url('/b') }),
      (e: unknown) => e instanceof OutboundRefusal && e.reason === 'private_address',
    );
    await assert.rejects(
      strict.request({ purpose: 'webhook', livemode: false, url: ok.url('/c') }),
      (e: unknown) => e instanceof OutboundRefusal && e.reason === 'private_address',
    );
    await assert.rejects(
      strict.request({ purpose: 'webhook', livemode: false, url: `http://localhost:${ok.port}/d` }),
      (e: unknown) => e instanceof OutboundRefusal && e.reason === 'private_address',
    );
    assert.equal(ok.hits('/b') + ok.hits('/c') + ok.hits('/d'), 0);
  });

  it('never reaches a forbidden address, not even where private targets are allowed', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://0.0.0.0:9/',
      'http://[::]:9/',
      'http://[fe80::1]:9/',
      'http://[::ffff:0:7f00:1]:9/',
      'http://100.100.100.200/',
    ]) {
      await assert.rejects(
        open.request({ purpose: 'webhook', livemode: false, url }),
        (e: unknown) => e instanceof OutboundRefusal && e.reason === 'private_address',
        url,
      );
    }
  });

  it('refuses a name when any of its addresses is refused (a public and a loopback answer together)', async () => {
    const mixed = OutboundHttpClient.create(config({ TENDER_OUTBOUND_ALLOW_PRIVATE: 'false' }), {
      resolver: async (host) =>
        host === 'mixed.test'
          ? [
              { address: '93.184.216.34', family: 4 },
              { address: '127.0.0.1', family: 4 },
            ]
          : [],
    });
    await assert.rejects(mixed.request({ purpose: 'webhook', livemode: false, url: `http://mixed.test:${ok.port}/m` }), /mixed\.test resolved to 127\.0\.0\.1/);
    assert.equal(ok.hits('/m'), 0);
  });

  it('looks the name up again for every request (no cached answer outlives a rebinding)', async () => {
    const dns = new RebindingResolver({ 'twice.test': { first: '127.0.0.1', then: '169.254.169.254', firstAnswers: 1 } });
    const client = OutboundHttpClient.create(config(), { resolver: dns.resolve });
    await client.request({ purpose: 'webhook', livemode: false, url: `http://twice.test:${ok.port}/first` });
    await assert.rejects(
      client.request({ purpose: 'webhook', livemode: false, url: `http://twice.test:${ok.port}/second` }),
      /twice\.test resolved to 169\.254\.169\.254/,
    );
    assert.deepEqual(
      dns.lookups.map((l) => l.answer),
      ['127.0.0.1', '169.254.169.254'],
    );
    assert.equal(ok.hits('/first'), 1);
    assert.equal(ok.hits('/second'), 0);
  });

  it('never calls the gateway: its public origin, and any address and port it listens on', async () => {
    const gatewayPort = ok.port;
    const client = OutboundHttpClient.create(
      loadConfig({ TENDER_PUBLIC_URL: `http://localhost:${gatewayPort}`, TENDER_OUTBOUND_ALLOW_PRIVATE: 'true', PORT: String(gatewayPort), HOST: '127.0.0.1' }),
    );
    for (const url of [`http://localhost:${gatewayPort}/x`, `http://127.0.0.1:${gatewayPort}/x`, `http://[::ffff:127.0.0.1]:${gatewayPort}/x`]) {
      await assert.rejects(
        client.request({ purpose: 'webhook', livemode: false, url }),
        (e: unknown) => e instanceof OutboundRefusal && e.reason === 'points_to_gateway',
        url,
      );
    }
    await assert.rejects(client.checkUrl(`http://localhost:${gatewayPort}/x`, { purpose: 'webhook', livemode: false }), /this gateway/);
    assert.equal(ok.hits('/x'), 0);
    const other = await new HostileServer({ kind: 'answer', status: 204, body: '' }).start();
    try {
      // The same host on another port is somebody else (a shop in development).
      assert.equal((await client.request({ purpose: 'webhook', livemode: false, url: `http://localhost:${other.port}/y` })).status, 204);
    } finally {
      await other.close();
    }
  });

  it("where private targets are not allowed, refuses the gateway's host on every port, by name or by address", async () => {
    // The public host resolves to a public address (a load balancer in front of the gateway).
    const client = OutboundHttpClient.create(config({ TENDER_OUTBOUND_ALLOW_PRIVATE: 'false' }), {
      resolver: async (host) => (host === 'pay.example.com' ? [{ address: '93.184.216.34', family: 4 }] : []),
    });
    for (const url of [
      'https://pay.example.com/x',
      'https://pay.example.com:8443/admin',
      'http://PAY.example.com./x',
      'http://93.184.216.34:6379/',
      'https://[::ffff:93.184.216.34]/x',
    ]) {
      await assert.rejects(
        client.checkUrl(url, { purpose: 'webhook', livemode: true }),
        (e: unknown) => e instanceof OutboundRefusal && e.reason === 'points_to_gateway',
        url,
      );
      await assert.rejects(
        client.request({ purpose: 'webhook', livemode: true, url }),
        (e: unknown) => e instanceof OutboundRefusal && e.reason === 'points_to_gateway',
        url,
      );
    }
  });

  it('returns a redirect as it is and never follows it', async () => {
    const redirect = await new HostileServer({ kind: 'redirect', location: ok.url('/landed'), status: 307 }).start();
    try {
      const res = await open.request({ purpose: 'merchant_push', livemode: false, url: redirect.url('/r'), method: 'POST', body: 'x=1' });
      assert.equal(res.status, 307);
      assert.equal(res.ok, false);
      assert.equal(res.headers.location, ok.url('/landed'));
      assert.equal(ok.hits('/landed'), 0);
    } finally {
      await redirect.close();
    }
  });

  it('reads an answer only up to the policy limit', async () => {
    const big = await new HostileServer({ kind: 'endless', totalBytes: 64 * 1024 * 1024 }).start();
    try {
      const res = await open.request({ purpose: 'platform_api', livemode: false, url: big.url('/big') });
      assert.equal(res.truncated, true);
      assert.equal(res.body.length, open.policy('platform_api').maxResponseBytes);
      assert.throws(
        () => res.json(),
        (e: unknown) => e instanceof OutboundRequestError && e.failure === 'response_invalid',
      );
      await big.idle();
      assert.equal(big.cutByClient, true);
    } finally {
      await big.close();
    }
  });

  it('cuts an answer that drips past the deadline, and one that never comes', async () => {
    const slow = await new HostileServer({ kind: 'drip', everyMs: 20, forMs: 20_000 }).start();
    const silent = http.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      await assert.rejects(
        open.request({ purpose: 'platform_api', livemode: false, url: slow.url('/slow') }),
        (e: unknown) => e instanceof OutboundRequestError && e.failure === 'timeout',
      );
      await slow.idle();
      assert.equal(slow.cutByClient, true);
      const port = (silent.address() as AddressInfo).port;
      await assert.rejects(
        open.request({ purpose: 'merchant_push', livemode: false, url: `http://127.0.0.1:${port}/`, timeoutMs: 300 }),
        (e: unknown) => e instanceof OutboundRequestError && e.failure === 'timeout',
      );
    } finally {
      silent.closeAllConnections();
      silent.close();
      await slow.close();
    }
  });

  it('ignores proxy variables in the environment', async () => {
    const proxy = await new HostileServer({ kind: 'answer', status: 200, body: 'proxied' }).start();
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy, HTTPS_PROXY: process.env.HTTPS_PROXY };
    try {
      process.env.HTTP_PROXY = proxy.url();
      process.env.http_proxy = proxy.url();
      process.env.HTTPS_PROXY = proxy.url();
      const res = await open.request({ purpose: 'webhook', livemode: false, url: ok.url('/direct') });
      assert.equal(res.text(), '{"ok":true}');
      assert.equal(proxy.requests.length, 0);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await proxy.close();
    }
  });

  it('refuses URLs that are not http(s), carry credentials, or are not URLs', async () => {
    const reasons: Array<[string, string]> = [
      ['ftp://93.184.216.34/', 'scheme_unsupported'],
      ['file:///etc/passwd', 'scheme_unsupported'],
      ['http://user:secret@93.184.216.34/', 'credentials'],
      ['not a url', 'url_invalid'],
    ];
    for (const [url, reason] of reasons) {
      await assert.rejects(
        open.request({ purpose: 'webhook', livemode: false, url }),
        (e: unknown) => e instanceof OutboundRefusal && e.reason === reason,
        url,
      );
    }
  });

  it('keeps webhook connections for reuse, apart by access; every other purpose has a connection of its own', async () => {
    const connections: string[] = [];
    const server = http.createServer((req, res) => res.end(req.url ?? ''));
    server.on('connection', (socket) => connections.push(String(socket.remotePort)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const url = (p: string): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}${p}`;
    const client = OutboundHttpClient.create(config());
    try {
      for (const p of ['/w1', '/w2', '/w3']) {
        assert.equal((await client.request({ purpose: 'webhook', livemode: false, url: url(p), method: 'POST', body: '{}' })).status, 200);
        await nextTurn();
      }
      assert.equal(connections.length, 1, 'three webhooks, one connection');
      for (const p of ['/a1', '/a2']) {
        await client.request({ purpose: 'platform_api', livemode: false, url: url(p) });
        await nextTurn();
      }
      assert.equal(connections.length, 3, 'a platform API request opens its own');
      await client.request({ purpose: 'webhook', livemode: false, url: url('/w4'), method: 'POST', body: '{}' });
      assert.equal(connections.length, 3, 'the kept webhook connection again');
    } finally {
      client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('sends a webhook once more on a new connection when the peer had closed the kept one', async () => {
    const served = new Map<object, number>();
    const requests: string[] = [];
    // A receiver that drops a connection at its second request, unanswered, as one
    // closing an idle connection just as it is reused looks to the client.
    const server = http.createServer((req, res) => {
      const n = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, n);
      requests.push(`${req.url ?? ''}#${n}`);
      if (n === 2) req.socket.destroy();
      else res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const url = (p: string): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}${p}`;
    const client = OutboundHttpClient.create(config());
    try {
      assert.equal((await client.request({ purpose: 'webhook', livemode: false, url: url('/one'), method: 'POST', body: '{}' })).status, 200);
      await nextTurn();
      assert.equal((await client.request({ purpose: 'webhook', livemode: false, url: url('/two'), method: 'POST', body: '{}' })).status, 200);
      assert.deepEqual(requests, ['/one#1', '/two#2', '/two#1'], 'dropped on the kept connection, answered on a new one');
    } finally {
      client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

/**
 * One turn of the event loop. undici hands back a connection for reuse just after
 * the answer's last byte reaches the caller, so a request sent in the same turn
 * finds it still busy and opens another; a dispatcher records each answer before its
 * next claim, so its requests come turns apart, as these do.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
