import os from 'node:os';
import { BenchDatabase, REPO_ROOT } from '../bench-database';
import { FloorKind, floorServer } from '../floors/floor-kinds';
import { createMerchant, newGatewaySecrets, startGateway, startWorker, velocityInDryRun } from '../gateway-process';
import { backfillHistoryBuckets, populateHistory } from '../history-populator';
import { runLoad } from '../load/load-client';
import { LoadProgress, LoadResult } from '../load/load-protocol';
import { ServerProcess, processCpuSeconds } from '../server-process';
import { BenchRun, ScenarioContext, ScenarioRow } from './scenario';

export interface PaymentRunSpec {
  readonly number: number;
  readonly scenario: string;
  readonly title: string;
  readonly variant: string;
  /** The gateway, or one of the floor servers (floors/floor-kinds.ts). */
  readonly server: 'gateway' | FloorKind;
  /**
   * The server the run's database is created on, checked and dropped (default: the
   * configured BENCH_MYSQL_URL). The Galera scenario names a cluster node.
   */
  readonly mysqlUrl?: string;
  /** Per gateway process, the server it connects to (same database name); default: all on `mysqlUrl`. */
  readonly gatewayServers?: readonly string[];
  /** Gateway processes on the one database; the load goes to them round-robin. */
  readonly processes: number;
  /**
   * `tender worker` processes started after the gateways, on the same database with the
   * same secrets and `gatewayEnv` (the webhooks scenario's dispatcher apart from the
   * serving process). They take no load; their CPU and memory join the row after the
   * gateways'.
   */
  readonly workers?: number;
  readonly concurrency: number;
  /** Payments of history written before the load starts (growth scenario). */
  readonly historyPayments: number;
  /** Webhook endpoints the run's merchants have (the webhooks scenario); shown on the row. */
  readonly webhookEndpoints?: number;
  /** The load-generator workload (load/workloads.ts); `card-payment` when not given. */
  readonly workload?: string;
  /** Extra environment for the gateway process(es), e.g. a bank adapter plugin's settings. */
  readonly gatewayEnv?: NodeJS.ProcessEnv;
  /**
   * Runs for each merchant after it is created and before the load; returns the
   * secret key the load uses for it (the ISO scenario's live key). The merchant's
   * test key when absent.
   */
  readonly prepare?: (gatewayUrl: string, db: BenchDatabase, merchant: { merchantId: string; secretKey: string }) => Promise<string>;
  /** Other processes of the run (a bank simulator) whose peak RSS the row shows after the servers'. */
  readonly companions?: readonly ServerProcess[];
  /**
   * Watches the run from right before the load until right after it, while the
   * servers still run (the webhooks scenario samples the delivery backlog and waits
   * for it to drain); what `finish` returns joins the row.
   */
  readonly observe?: (db: BenchDatabase, servers: readonly ServerProcess[]) => RunObserver;
}

/** See PaymentRunSpec.observe. */
export interface RunObserver {
  /** Every progress message of the load (about one a second), warm-up included. */
  onProgress?(p: LoadProgress): void;
  /** Right after the load, with its result, while the servers still run. */
  finish(result: LoadResult): Promise<Partial<ScenarioRow>>;
}

const MiB = 1024 * 1024;

/**
 * One measured run of the card-payment workload, from an empty database to the
 * correctness check: fresh database, server process(es), merchant, optional
 * history, warm-up + measured load, peak RSS, stop, check, drop. A run that fails
 * becomes a `failed` row; it does not stop the other scenarios.
 */
export async function measurePayments(ctx: ScenarioContext, spec: PaymentRunSpec): Promise<ScenarioRow> {
  const run = await openPaymentRun(ctx, spec);
  if (!run.ok) return run.row;
  try {
    const observer = spec.observe?.(run.db, run.servers);
    const shown = ctx.progress(run.label);
    const turn = await loadTurn(run, ctx.config.warmupS * 1000, ctx.config.measureS * 1000, (p) => {
      shown(p);
      observer?.onProgress?.(p);
    });
    const observed = (await observer?.finish(turn.result)) ?? {};
    return { ...(await closePaymentRun(ctx, run, [turn])), ...observed };
  } catch (error) {
    await discardRun(ctx, run);
    return failedRow(ctx, run, error);
  }
}

/** A payment run whose database, servers and merchants are ready for load (see openPaymentRun). */
export interface OpenPaymentRun {
  readonly ok: true;
  readonly spec: PaymentRunSpec;
  readonly label: string;
  readonly db: BenchDatabase;
  readonly servers: readonly ServerProcess[];
  /** The run's `tender worker` processes (PaymentRunSpec.workers), after the servers in the row's CPU and memory. */
  readonly workers: readonly ServerProcess[];
  readonly secretKeys: readonly string[];
  readonly orderPrefix: string;
  /** The MariaDB server's process on this machine, if it is here (its CPU is measured per turn). */
  readonly databasePid: number | undefined;
  /** The row's fixed fields (number, scenario, variant, ...). */
  readonly base: Pick<
    ScenarioRow,
    'number' | 'scenario' | 'title' | 'variant' | 'concurrency' | 'processes' | 'workers' | 'historyPayments' | 'unit' | 'webhookEndpoints'
  >;
  readonly populateS?: number;
  readonly databaseMiB?: number;
}

/** One load on an open run: the load generator's result and the CPU each server spent meanwhile. */
export interface LoadTurn {
  readonly result: LoadResult;
  /** CPU seconds of each server, then of each worker, over the turn (warm-up included); undefined where /proc could not say. */
  readonly cpuSeconds: ReadonlyArray<number | undefined>;
  /**
   * CPU seconds of the shared MariaDB server over the turn (undefined when it is not on
   * this machine). Its other clients are the idle servers of other runs (their
   * background loops) and the bench's own reads: small beside a turn's load.
   */
  readonly databaseCpuSeconds?: number | undefined;
  /** CPU seconds of this bench process over the turn: the webhook receiver and the watchers live here. */
  readonly harnessCpuSeconds?: number;
}

/**
 * The first part of a run: a fresh database, the server process(es), one merchant
 * per client, the history. A failure stops and drops what was started and comes
 * back as the run's `failed` row.
 */
export async function openPaymentRun(ctx: ScenarioContext, spec: PaymentRunSpec): Promise<OpenPaymentRun | { readonly ok: false; readonly row: ScenarioRow }> {
  const base = {
    number: spec.number,
    scenario: spec.scenario,
    title: spec.title,
    variant: spec.variant,
    concurrency: spec.concurrency,
    processes: spec.processes,
    historyPayments: spec.historyPayments,
    unit: 'payment',
    ...(spec.webhookEndpoints === undefined ? {} : { webhookEndpoints: spec.webhookEndpoints }),
    ...(spec.workers === undefined || spec.workers === 0 ? {} : { workers: spec.workers }),
  };
  const label = `${spec.scenario} ${spec.variant}`;
  const serverUrl = spec.mysqlUrl ?? ctx.config.mysqlUrl;
  const db = await BenchDatabase.create(serverUrl, spec.scenario);
  const servers: ServerProcess[] = [];
  const workers: ServerProcess[] = [];
  try {
    // One merchant per client (see LoadPlan.secretKeys).
    const merchants: Array<{ merchantId: string; secretKey: string }> = [];
    if (spec.server === 'gateway') {
      const secrets = newGatewaySecrets();
      // One after the other: the first migrates the empty database.
      for (let i = 1; i <= spec.processes; i++) {
        const server = spec.gatewayServers?.[(i - 1) % spec.gatewayServers.length] ?? serverUrl;
        servers.push(await startGateway(`gateway${i}`, `${server}/${db.name}`, secrets, ctx.config, spec.gatewayEnv));
      }
      // After the gateways: the first of them has migrated the database.
      for (let i = 1; i <= (spec.workers ?? 0); i++)
        workers.push(await startWorker(`worker${i}`, `${serverUrl}/${db.name}`, secrets, ctx.config, spec.gatewayEnv ?? {}));
      for (let i = 0; i < spec.concurrency; i++) {
        const merchant = await createMerchant(servers[0].url, secrets);
        await velocityInDryRun(servers[0].url, merchant.secretKey);
        merchants.push(merchant);
      }
    } else {
      await db.migrate();
      for (let i = 0; i < spec.concurrency; i++) merchants.push(await db.insertMerchant());
      const floor = floorServer(spec.server);
      servers.push(
        await ServerProcess.start(spec.server, {
          script: floor.script,
          cwd: REPO_ROOT,
          env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: db.url, PORT: '0', ...floor.env },
          readyPattern: /floor listening on http:\/\/[^:\s]+:(\d+)/,
        }),
      );
    }
    let populateS: number | undefined;
    let databaseMiB: number | undefined;
    if (spec.historyPayments > 0) {
      ctx.log(`  ${label}: writing ${spec.historyPayments.toLocaleString('en')} payments of history`);
      // Spread evenly over the run's merchants, so every client pays against its share.
      const started = Date.now();
      let written = 0;
      for (const [i, m] of merchants.entries()) {
        const share = Math.floor(spec.historyPayments / merchants.length) + (i < spec.historyPayments % merchants.length ? 1 : 0);
        await populateHistory(db.url, m.merchantId, share, (done) => {
          if ((written + done) % 100_000 < 1000) ctx.log(`    ${(written + done).toLocaleString('en')} written`);
        });
        written += share;
      }
      // The risk buckets of that history (the gateway's own backfill, as migration 042
      // does): the rules read them on every confirm, so a history without them would
      // leave the bucket table empty however large the history.
      await backfillHistoryBuckets(db.url);
      populateS = (Date.now() - started) / 1000;
      databaseMiB = await db.sizeMiB();
      // A big bulk load leaves InnoDB writing back dirty pages for a while; that is the load's cost, not the gateway's.
      const waited = spec.historyPayments >= 100_000 ? await db.settle(60_000) : 0;
      ctx.log(`  ${label}: history written in ${populateS.toFixed(1)} s; database ${databaseMiB} MiB; waited ${waited.toFixed(0)} s for InnoDB to write back`);
    }
    const prepare = spec.prepare;
    const secretKeys: string[] = [];
    for (const m of merchants) secretKeys.push(prepare === undefined ? m.secretKey : await prepare(servers[0].url, db, m));
    const orderPrefix = `bench-${spec.scenario}-`;
    return {
      ok: true,
      spec,
      label,
      db,
      servers,
      workers,
      secretKeys,
      orderPrefix,
      databasePid: await db.serverPid(),
      base,
      ...(populateS === undefined ? {} : { populateS }),
      ...(databaseMiB === undefined ? {} : { databaseMiB }),
    };
  } catch (error) {
    await discardRun(ctx, { servers, workers, db });
    return { ok: false, row: failedRow(ctx, { label, base }, error) };
  }
}

/** Runs one warm-up + measured load on an open run, through a fresh load generator. */
export async function loadTurn(run: OpenPaymentRun, warmupMs: number, measureMs: number, onProgress: (p: LoadProgress) => void): Promise<LoadTurn> {
  const processes = [...run.servers, ...run.workers];
  const cpuBefore = processes.map((s) => s.cpuSeconds());
  const databaseBefore = run.databasePid === undefined ? undefined : processCpuSeconds(run.databasePid);
  const harnessBefore = process.cpuUsage();
  const result = await runLoad(
    {
      workload: run.spec.workload ?? 'card-payment',
      targets: run.servers.map((s) => s.url),
      secretKeys: run.secretKeys,
      concurrency: run.spec.concurrency,
      warmupMs,
      measureMs,
      orderPrefix: run.orderPrefix,
    },
    onProgress,
  );
  const cpuSeconds = processes.map((s, i) => {
    const [before, after] = [cpuBefore[i], s.cpuSeconds()];
    return before === undefined || after === undefined ? undefined : after - before;
  });
  const harness = process.cpuUsage(harnessBefore);
  const databaseAfter = run.databasePid === undefined ? undefined : processCpuSeconds(run.databasePid);
  return {
    result,
    cpuSeconds,
    databaseCpuSeconds: databaseBefore === undefined || databaseAfter === undefined ? undefined : databaseAfter - databaseBefore,
    harnessCpuSeconds: (harness.user + harness.system) / 1e6,
  };
}

/**
 * The last part of a run: peak RSS, stop, the correctness check over every turn's
 * payments, drop. The row's figures are the turns' together (combineTurns).
 */
export async function closePaymentRun(ctx: ScenarioContext, run: OpenPaymentRun, turns: readonly LoadTurn[]): Promise<ScenarioRow> {
  try {
    const combined = combineTurns(turns);
    const completed = combined.result.totals.completed2xx;
    const perUnit = (cpu: number): number => (completed === 0 ? 0 : Math.round((cpu * 1000 * 100) / completed) / 100);
    const cpuMsPerUnit = combined.cpuSeconds.map((cpu) => (cpu === undefined ? 0 : perUnit(cpu)));
    const loadAvg1m = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
    const peakRssMiB = [...run.servers, ...run.workers, ...(run.spec.companions ?? [])].map((s) => Math.round((s.peakRssBytes() ?? 0) / MiB));
    const output = [...run.servers, ...run.workers].map((s) => s.recentOutput.trim()).filter((o) => o !== '');
    await Promise.all([...run.servers, ...run.workers].map((s) => s.stop()));
    const counts = await run.db.statusCounts(run.orderPrefix);
    const inDb = Object.values(counts).reduce((a, b) => a + b, 0);
    const captured = counts.captured ?? 0;
    const totals = combined.result.totals;
    const ok = inDb === totals.created2xx && captured === inDb && captured === totals.completed2xx;
    const detail = `${inDb} payments in the database, ${captured} captured; the load generator saw ${totals.created2xx} created and ${totals.completed2xx} captured${ok ? '' : ` (statuses: ${JSON.stringify(counts)})`}`;
    return {
      ...run.base,
      ...loadFigures(combined.result),
      errorSamples: [...combined.result.errorSamples, ...(totals.errors > 0 ? output.map((o) => `server output: ${o.slice(-600)}`) : [])],
      peakRssMiB,
      cpuMsPerUnit,
      ...(combined.databaseCpuSeconds === undefined ? {} : { databaseServerCpuMsPerUnit: perUnit(combined.databaseCpuSeconds) }),
      ...(combined.harnessCpuSeconds === undefined ? {} : { harnessCpuMsPerUnit: perUnit(combined.harnessCpuSeconds) }),
      loadAvg1m,
      correctness: { ok, detail },
      ...(turns.length > 1 ? { turns: turns.length } : {}),
      ...(run.populateS === undefined ? {} : { populateS: run.populateS }),
      ...(run.databaseMiB === undefined ? {} : { databaseMiB: run.databaseMiB }),
    };
  } catch (error) {
    return failedRow(ctx, run, error);
  } finally {
    await Promise.all([...run.servers, ...run.workers].map((s) => s.stop().catch(() => undefined)));
    await run.db.drop().catch((error: unknown) => ctx.log(`  could not drop ${run.db.name}: ${String(error)}`));
  }
}

/** The `failed` row of a run that failed, logged. */
export function failedRow(ctx: ScenarioContext, run: Pick<OpenPaymentRun, 'label' | 'base'>, error: unknown): ScenarioRow {
  const message = error instanceof Error ? error.message : String(error);
  ctx.log(`  ${run.label}: FAILED: ${message}`);
  return { ...run.base, status: 'failed', note: message.split('\n')[0] ?? message };
}

/** Stops a run's servers and drops its database, without a row (a failed run's clean-up). */
export async function discardRun(ctx: ScenarioContext, run: Pick<OpenPaymentRun, 'servers' | 'workers' | 'db'>): Promise<void> {
  await Promise.all([...run.servers, ...run.workers].map((s) => s.stop().catch(() => undefined)));
  await run.db.drop().catch((error: unknown) => ctx.log(`  could not drop ${run.db.name}: ${String(error)}`));
}

/**
 * Several turns of one run as one: units and measured time add up, as do the totals
 * and each server's CPU; a latency percentile is the median of the turns' (the load
 * generator reports percentiles, not samples), the maximum the largest.
 */
export function combineTurns(turns: readonly LoadTurn[]): LoadTurn {
  const [first] = turns;
  if (first === undefined) throw new Error('a run needs at least one turn of load');
  if (turns.length === 1) return first;
  const results = turns.map((t) => t.result);
  const sum = (pick: (r: LoadResult) => number): number => results.reduce((a, r) => a + pick(r), 0);
  const result: LoadResult = {
    type: 'result',
    measured: sum((r) => r.measured),
    measureMs: sum((r) => r.measureMs),
    unitP50: median(results.map((r) => r.unitP50)),
    unitP99: median(results.map((r) => r.unitP99)),
    requestP50: median(results.map((r) => r.requestP50)),
    requestP99: median(results.map((r) => r.requestP99)),
    requestMax: Math.max(...results.map((r) => r.requestMax)),
    totals: {
      created2xx: sum((r) => r.totals.created2xx),
      completed2xx: sum((r) => r.totals.completed2xx),
      errors: sum((r) => r.totals.errors),
    },
    errorSamples: results.flatMap((r) => r.errorSamples).slice(0, 10),
  };
  const cpuSeconds = first.cpuSeconds.map((_, i) => {
    const each = turns.map((t) => t.cpuSeconds[i]);
    return each.some((c) => c === undefined) ? undefined : each.reduce<number>((a, c) => a + (c ?? 0), 0);
  });
  return {
    result,
    cpuSeconds,
    databaseCpuSeconds: sumOf(turns.map((t) => t.databaseCpuSeconds)),
    harnessCpuSeconds: sumOf(turns.map((t) => t.harnessCpuSeconds)),
  };
}

/** The sum, or undefined when any part is unknown. */
function sumOf(parts: ReadonlyArray<number | undefined>): number | undefined {
  let total = 0;
  for (const p of parts) {
    if (p === undefined) return undefined;
    total += p;
  }
  return total;
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** A measured row's figures from the load generator's result: throughput, latencies, errors. */
export function loadFigures(
  result: LoadResult,
): Pick<ScenarioRow, 'status' | 'throughput' | 'unitP50Ms' | 'unitP99Ms' | 'requestP50Ms' | 'requestP99Ms' | 'requestMaxMs' | 'errors' | 'errorSamples'> {
  return {
    status: 'measured',
    throughput: result.measured / (result.measureMs / 1000),
    unitP50Ms: result.unitP50,
    unitP99Ms: result.unitP99,
    requestP50Ms: result.requestP50,
    requestP99Ms: result.requestP99,
    requestMaxMs: result.requestMax,
    errors: result.totals.errors,
    errorSamples: result.errorSamples,
  };
}

/** One run per configured concurrency level (scenarios 1 and 2). */
export function runsAtEachConcurrency(ctx: ScenarioContext, spec: Pick<PaymentRunSpec, 'number' | 'scenario' | 'title' | 'server'>): BenchRun[] {
  return ctx.config.concurrency.map((concurrency) => ({
    variant: `c=${concurrency}`,
    measure: () => measurePayments(ctx, { ...spec, variant: `c=${concurrency}`, processes: 1, concurrency, historyPayments: 0 }),
  }));
}
