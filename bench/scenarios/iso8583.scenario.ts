import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../bench-database';
import { velocityInDryRun } from '../gateway-process';
import { runEchoLoad } from '../load/iso-echo-load';
import { ServerProcess } from '../server-process';
import { measurePayments } from './payment-run';
import { BenchScenario, ScenarioContext, ScenarioRow, bestCardConcurrency } from './scenario';

const SIMULATOR_CLI = path.join(REPO_ROOT, 'adapters', 'iso8583', 'dist', 'simulator', 'cli.js');
const MiB = 1024 * 1024;

/** tender-bank-sim as its own process on loopback ports chosen by the OS; `url`'s port is its ISO 8583 port. */
function startSimulator(): Promise<ServerProcess> {
  return ServerProcess.start('bank-sim', {
    script: SIMULATOR_CLI,
    args: ['--port', '0', '--control-port', '0'],
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH },
    readyPattern: /"port":(\d+)/,
  });
}

function portOf(server: ServerProcess): number {
  return Number(new URL(server.url).port);
}

const TITLE = 'ISO 8583 authorizations (TCP)';

/** Baseline: the simulator's raw echo round trip on one connection, `concurrency` in flight. */
async function measureEcho(ctx: ScenarioContext, concurrency: number): Promise<ScenarioRow> {
  const variant = `simulator echo (0800/301), 1 connection, c=${concurrency}`;
  const base = { number: 4, scenario: 'iso8583', title: TITLE, variant, concurrency, processes: 1, unit: 'echo' };
  let sim: ServerProcess | undefined;
  try {
    sim = await startSimulator();
    ctx.log(`  iso8583 ${variant}: ${ctx.config.warmupS + ctx.config.measureS} s`);
    const r = await runEchoLoad({ port: portOf(sim), concurrency, warmupMs: ctx.config.warmupS * 1000, measureMs: ctx.config.measureS * 1000 });
    const loadAvg1m = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
    const peakRssMiB = [Math.round((sim.peakRssBytes() ?? 0) / MiB)];
    const ok = r.errors === 0 && r.answered > 0;
    return {
      ...base,
      status: 'measured',
      throughput: r.measured / (r.measureMs / 1000),
      unitP50Ms: r.p50,
      unitP99Ms: r.p99,
      requestP50Ms: r.p50,
      requestP99Ms: r.p99,
      requestMaxMs: r.max,
      errors: r.errors,
      errorSamples: r.errorSamples,
      peakRssMiB,
      loadAvg1m,
      correctness: { ok, detail: `${r.answered} echoes sent and answered (0810, matched by STAN) on one connection` },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.log(`  iso8583 ${variant}: FAILED: ${message}`);
    return { ...base, status: 'failed', note: message.split('\n')[0] ?? message };
  } finally {
    await sim?.stop().catch(() => undefined);
  }
}

/**
 * The gateway with the ISO 8583 adapter (one pooled connection) and a live merchant
 * whose bank connection names it: every confirm is a 0200 purchase over TCP to the
 * simulator, with up to `concurrency` of them in flight on that one connection.
 */
async function measureGatewayIso(ctx: ScenarioContext, concurrency: number): Promise<ScenarioRow> {
  const variant = `gateway -> adapter -> simulator, 1 connection, c=${concurrency}`;
  let sim: ServerProcess;
  try {
    sim = await startSimulator();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { number: 4, scenario: 'iso8583', title: TITLE, variant, status: 'failed', note: message.split('\n')[0] ?? message };
  }
  try {
    return await measurePayments(ctx, {
      number: 4,
      scenario: 'iso8583',
      title: TITLE,
      variant,
      server: 'gateway',
      processes: 1,
      concurrency,
      historyPayments: 0,
      workload: 'iso-card-payment',
      companions: [sim],
      gatewayEnv: {
        TENDER_PLUGINS: '@tender/adapter-sandbox,@tender/adapter-iso8583',
        TENDER_ISO8583_HOST: '127.0.0.1',
        TENDER_ISO8583_PORT: String(portOf(sim)),
        // One connection: the scenario measures requests in flight on one link.
        TENDER_ISO8583_POOL_SIZE: '1',
        // tender-bank-sim approves the sandbox's test numbers, which a production
        // gateway refuses in live mode (card_test_number_live) unless told otherwise.
        TENDER_LIVE_TEST_CARDS: 'allow',
      },
      async prepare(gatewayUrl, db, merchant) {
        const now = Date.now();
        // Stands in for onboarding (approve, contract, go live: tested in the
        // onboarding specs): the merchant is live, with a bank connection to the
        // ISO 8583 adapter and a live secret key.
        await db.query('UPDATE merchants SET stage = ?, live_at = ?, updated_at = ? WHERE id = ?', ['live', now, now, merchant.merchantId]);
        await db.query(
          'INSERT INTO bank_connections (id, merchant_id, livemode, bank_code, adapter_code, bank_merchant_id, terminal_id, currencies, status, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)',
          // A terminal of its own per merchant (one client each): a terminal belongs to one connection.
          [
            `bcn_bench${randomBytes(8).toString('hex')}`,
            merchant.merchantId,
            'bench-pc',
            'iso8583',
            'BENCH0000000001',
            `T${randomBytes(4).toString('hex').toUpperCase().slice(0, 7)}`,
            JSON.stringify(['RUB']),
            'active',
            now,
            now,
          ],
        );
        const liveKey = `sk_live_${randomBytes(16).toString('hex')}`;
        await db.query('INSERT INTO api_keys (id, merchant_id, livemode, kind, key_hash, display, label, created_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?)', [
          `key_bench${randomBytes(8).toString('hex')}`,
          merchant.merchantId,
          'secret',
          createHash('sha256').update(liveKey).digest('hex'),
          'sk_live_...bench',
          'bench',
          now,
        ]);
        await velocityInDryRun(gatewayUrl, liveKey);
        return liveKey;
      },
    });
  } finally {
    await sim.stop().catch(() => undefined);
  }
}

/**
 * Scenario 4: authorizations through the ISO 8583 adapter to tender-bank-sim over
 * TCP, many in flight on one connection, at scenario 1's best concurrency; its
 * baseline, run right before, is the simulator's raw echo round trip at the same
 * concurrency on one connection.
 */
export const iso8583Scenario: BenchScenario = {
  number: 4,
  id: 'iso8583',
  title: TITLE,
  unavailable: () => undefined,
  plan(ctx) {
    const concurrency = bestCardConcurrency(ctx);
    return [
      { variant: `simulator echo, c=${concurrency}`, measure: () => measureEcho(ctx, concurrency) },
      { variant: `gateway, c=${concurrency}`, measure: () => measureGatewayIso(ctx, concurrency) },
    ];
  },
};
