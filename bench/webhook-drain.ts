import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { request } from 'undici';
import mysql from 'mysql2/promise';
import { BenchDatabase } from './bench-database';
import { createMerchant, newGatewaySecrets, startGateway } from './gateway-process';
import { ScenarioContext, ScenarioRow } from './scenarios/scenario';
import { ServerProcess } from './server-process';
import { BenchWebhookReceiver } from './webhook-receiver';

const MiB = 1024 * 1024;
const INSERT_BATCH = 1000;

/** Registers an endpoint for every event type at `url` for the merchant of `secretKey`. */
export async function createEndpoint(gatewayUrl: string, secretKey: string, url: string): Promise<string> {
  const response = await request(`${gatewayUrl}/v1/webhook_endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, events: ['*'] }),
  });
  const text = await response.body.text();
  if (response.statusCode !== 201) throw new Error(`POST /v1/webhook_endpoints: HTTP ${response.statusCode} ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { id: string }).id;
}

/**
 * Writes `perEndpoint` events and their pending deliveries for each endpoint straight
 * into the database (shaped like the gateway's rows), due far in the future so the
 * dispatcher leaves them until the measurement starts.
 */
async function writeBacklog(databaseUrl: string, endpoints: ReadonlyArray<{ id: string; merchantId: string }>, perEndpoint: number): Promise<void> {
  const c = await mysql.createConnection({ uri: databaseUrl, charset: 'utf8mb4' });
  try {
    const later = Date.now() + 86_400_000;
    const tag = randomBytes(3).toString('hex');
    for (const e of endpoints) {
      for (let from = 0; from < perEndpoint; from += INSERT_BATCH) {
        const events: unknown[][] = [];
        const deliveries: unknown[][] = [];
        for (let i = from; i < Math.min(perEndpoint, from + INSERT_BATCH); i++) {
          const suffix = `${tag}${e.id.slice(-6)}${i.toString(36).padStart(6, '0')}`;
          const now = Date.now();
          const paymentId = `pay_d${suffix}`;
          const data = JSON.stringify({ object: { id: paymentId, object: 'payment', status: 'captured', amount: 150000, currency: 'RUB', livemode: false } });
          events.push([`evt_d${suffix}`, e.merchantId, 0, 'payment.captured', 'payment', paymentId, data, now]);
          deliveries.push([`whd_d${suffix}`, e.id, `evt_d${suffix}`, e.merchantId, 0, 'pending', 0, later, now, now]);
        }
        await c.query('INSERT INTO events (id, merchant_id, livemode, type, object_type, object_id, data, created_at) VALUES ?', [events]);
        await c.query(
          'INSERT INTO webhook_deliveries (id, endpoint_id, event_id, merchant_id, livemode, status, attempt_count, next_attempt_at, created_at, updated_at) VALUES ?',
          [deliveries],
        );
      }
    }
  } finally {
    await c.end();
  }
}

/**
 * The dispatcher's capacity, apart from payments: 8 endpoints with `perEndpoint`
 * pending deliveries each (written directly), all made due at one instant; the
 * gateway (idle otherwise) delivers to a receiver that answers at once. Measures
 * deliveries per second until nothing is pending, or for `maxMs` at most.
 *
 * @example
 * ```ts
 * const row = await measureDrain(ctx, { number: 7, title, perEndpoint: 2500, maxMs: 60_000 });
 * ```
 */
export async function measureDrain(ctx: ScenarioContext, spec: { number: number; title: string; perEndpoint: number; maxMs: number }): Promise<ScenarioRow> {
  const endpointsCount = 8;
  const total = endpointsCount * spec.perEndpoint;
  const variant = `drain a backlog: ${total.toLocaleString('en')} deliveries to ${endpointsCount} endpoints, no payments`;
  // The table prints `<n> <unit>s`.
  const base = { number: spec.number, scenario: 'webhooks', title: spec.title, variant, processes: 1, unit: 'deliverie' };
  const db = await BenchDatabase.create(ctx.config.mysqlUrl, 'webhooks_drain');
  const receiver = await BenchWebhookReceiver.start();
  let server: ServerProcess | undefined;
  try {
    const secrets = newGatewaySecrets();
    server = await startGateway('gateway1', db.url, secrets, ctx.config, { TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' });
    const endpoints: Array<{ id: string; merchantId: string }> = [];
    for (let i = 0; i < endpointsCount; i++) {
      const m = await createMerchant(server.url, secrets);
      endpoints.push({ id: await createEndpoint(server.url, m.secretKey, receiver.url), merchantId: m.merchantId });
    }
    ctx.log(`  webhooks ${variant}: writing the backlog`);
    await writeBacklog(db.url, endpoints, spec.perEndpoint);
    const pending = async (): Promise<number> =>
      Number((await db.query<{ n: number }[]>("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending'"))[0]?.n ?? 0);
    const started = Date.now();
    await db.query("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE status = 'pending'", [started]);
    let left = total;
    while (Date.now() - started < spec.maxMs) {
      left = await pending();
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const elapsedS = (Date.now() - started) / 1000;
    const loadAvg1m = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
    const peakRssMiB = [Math.round((server.peakRssBytes() ?? 0) / MiB)];
    const delivered = total - left;
    const tally = receiver.tally();
    const ok = tally.firstLagMs.size >= delivered && tally.concurrentDuplicates === 0;
    const detail = `${delivered} of ${total} delivered in ${elapsedS.toFixed(1)} s${left === 0 ? '' : ` (stopped after ${spec.maxMs / 1000} s with ${left} pending)`}; the receiver saw ${tally.firstLagMs.size} events, ${tally.duplicates} duplicates (${tally.concurrentDuplicates} concurrent)`;
    ctx.log(`  ${detail}`);
    return { ...base, status: 'measured', throughput: delivered / elapsedS, errors: 0, peakRssMiB, loadAvg1m, correctness: { ok, detail } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.log(`  webhooks ${variant}: FAILED: ${message}`);
    return { ...base, status: 'failed', note: message.split('\n')[0] ?? message };
  } finally {
    await server?.stop().catch(() => undefined);
    await receiver.close();
    await db.drop().catch((error: unknown) => ctx.log(`  could not drop ${db.name}: ${String(error)}`));
  }
}
