import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { OutboundHttpClient, loadConfig } from '@tender/core';

/** Requests measured per client per round, after WARMUP unmeasured ones. */
const REQUESTS = Number(process.env.OUTBOUND_COST_REQUESTS ?? '6000');
const WARMUP = 1500;
/** Requests in flight at once: about what a webhook dispatcher keeps going to a few endpoints. */
const IN_FLIGHT = 16;
const ROUNDS = Number(process.env.OUTBOUND_COST_ROUNDS ?? '3');

/** A webhook body of the usual size (a payment event is about 1 KiB of JSON). */
const BODY = JSON.stringify({
  id: 'evt_bench',
  type: 'payment.captured',
  created_at: new Date(0).toISOString(),
  data: { object: { id: 'pay_bench', object: 'payment', amount: 150000, currency: 'RUB', status: 'captured', description: 'x'.repeat(800) } },
});
const HEADERS = { 'Content-Type': 'application/json', 'Tender-Signature': `t=0,v1=${'0'.repeat(64)}`, 'Tender-Event-Id': 'evt_bench' };

type Send = () => Promise<number>;

/**
 * `node bench/dist/outbound-request-cost.js`: the sending process's CPU per webhook
 * POST (user + system time from `process.cpuUsage`), against a receiver in a child
 * process (so its CPU is not counted) that answers `200` at once, on kept
 * connections, 16 in flight, in alternating rounds after one uncounted round:
 *
 * - Tender's outbound client (`OutboundHttpClient`, purpose `webhook`: the address
 *   checks, deadline and size limit every webhook goes through, on undici);
 * - bare node:http with a keep-alive agent (none of those checks): what node:http
 *   itself costs;
 * - undici's `Pool` (none of those checks): what the same POST costs on undici.
 *
 * What a delivery costs the gateway beyond its request (its share of the fan-out and
 * group commits, signing, the body) is not in this figure: docs/webhooks.md.
 *
 * @example
 * ```sh
 * npm run build && node bench/dist/outbound-request-cost.js
 * ```
 */
async function main(): Promise<void> {
  if (process.argv[2] === 'receiver') {
    receive();
    return;
  }
  const receiver = fork(__filename, ['receiver']);
  try {
    const port = await portOf(receiver);
    const url = `http://127.0.0.1:${port}/hooks`;
    const tender = OutboundHttpClient.create(loadConfig({ TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' }));
    const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 64 });
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 64 });
    const clients: Array<[string, Send]> = [
      ['Tender outbound client', () => viaTender(tender, url)],
      ['bare node:http, keep-alive agent', () => viaNodeHttp(agent, url)],
      ['undici Pool', () => viaUndici(pool)],
    ];
    const results = new Map<string, number[]>(clients.map(([name]) => [name, []]));
    // Round 0 is not counted: the JIT is still compiling all three clients' paths.
    for (let round = 0; round <= ROUNDS; round++) {
      for (const [name, send] of clients) {
        await run(send, WARMUP);
        const before = process.cpuUsage();
        await run(send, REQUESTS);
        const used = process.cpuUsage(before);
        if (round > 0) results.get(name)?.push((used.user + used.system) / REQUESTS);
      }
    }
    process.stdout.write(`CPU of the sending process per POST (µs), ${REQUESTS} requests per round, ${IN_FLIGHT} in flight, ${ROUNDS} rounds\n\n`);
    process.stdout.write('| client | rounds | median |\n| --- | --- | --- |\n');
    for (const [name, values] of results) process.stdout.write(`| ${name} | ${values.map((v) => v.toFixed(1)).join(', ')} | ${median(values).toFixed(1)} |\n`);
    tender.close();
    agent.destroy();
    await pool.close();
  } finally {
    receiver.kill();
  }
}

async function viaTender(client: OutboundHttpClient, url: string): Promise<number> {
  const res = await client.request({ purpose: 'webhook', livemode: false, url, method: 'POST', headers: HEADERS, body: BODY });
  return res.status;
}

function viaNodeHttp(agent: http.Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...HEADERS, 'Content-Length': String(Buffer.byteLength(BODY)) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(BODY);
  });
}

async function viaUndici(pool: Pool): Promise<number> {
  const res = await pool.request({ path: '/hooks', method: 'POST', headers: HEADERS, body: BODY });
  await res.body.text();
  return res.statusCode;
}

/** Sends `total` requests, IN_FLIGHT at a time. */
async function run(send: Send, total: number): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (started < total) {
        started++;
        const status = await send();
        if (status !== 200) throw new Error(`the receiver answered ${status}`);
      }
    }),
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The child: answers every POST with 200 at once and reports its port to the parent. */
function receive(): void {
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok'));
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => server.close());
}

function portOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port?: unknown }) => (typeof m.port === 'number' ? resolve(m.port) : reject(new Error('the receiver sent no port'))));
    child.once('exit', (code) => reject(new Error(`the receiver exited (${String(code)})`)));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
