import { BenchConfig } from '../bench-config';
import { LoadProgress } from '../load/load-protocol';

/** One line of the results table. */
export interface ScenarioRow {
  /** The scenario number (1-6). */
  readonly number: number;
  readonly scenario: string;
  readonly title: string;
  /** What distinguishes this row within its scenario (concurrency, history size, process count). */
  readonly variant: string;
  readonly status: 'measured' | 'not_available' | 'skipped' | 'failed';
  /** Why a row is not measured, or a remark on a measured one. */
  readonly note?: string;
  readonly concurrency?: number;
  /** What the throughput counts: 'payment', 'page', 'authorization'. */
  readonly unit?: string;
  readonly throughput?: number;
  readonly unitP50Ms?: number;
  readonly unitP99Ms?: number;
  readonly requestP50Ms?: number;
  readonly requestP99Ms?: number;
  readonly requestMaxMs?: number;
  readonly errors?: number;
  readonly errorSamples?: readonly string[];
  /**
   * CPU milliseconds each server process spent per completed unit over the whole load
   * (warm-up included): 1000 / this is what one core of that process would carry.
   */
  readonly cpuMsPerUnit?: readonly number[];
  /** The same for each database server the run used (the Galera scenario's nodes, whose only clients are the run's). */
  readonly databaseCpuMsPerUnit?: readonly number[];
  /**
   * The same for the shared MariaDB server (BENCH_MYSQL_URL) when it runs on this
   * machine: over the run's turns, warm-up included. Idle servers of other runs poll
   * it meanwhile (a few statements a second), so it is a little high for light rows.
   */
  readonly databaseServerCpuMsPerUnit?: number;
  /** The same for the bench process itself, which hosts the webhook receiver (scenario 7) and the watchers. */
  readonly harnessCpuMsPerUnit?: number;
  /** Peak RSS (VmHWM) of each server process under load, in MiB. */
  readonly peakRssMiB?: readonly number[];
  readonly historyPayments?: number;
  readonly processes?: number;
  /** `tender worker` processes beside the gateways (their CPU and memory follow the gateways' in the lists above); absent: none. */
  readonly workers?: number;
  readonly correctness?: { readonly ok: boolean; readonly detail: string };
  /** The machine's 1-minute load average when the load stopped: how busy the 2 shared cores were. */
  readonly loadAvg1m?: number;
  /** Size of the database (data + indexes) once history was written, in MiB. */
  readonly databaseMiB?: number;
  /** Seconds spent populating history, for the growth scenario. */
  readonly populateS?: number;
  /** Webhook endpoints the run's merchants had (the webhooks scenario's payment runs). */
  readonly webhookEndpoints?: number;
  /** Webhook delivery during and after the load (the webhooks scenario). */
  readonly webhooks?: WebhookFigures;
  /** Throughput per minute and memory over time (the soak scenario). */
  readonly soak?: SoakFigures;
  /**
   * Turns of load the row's figures add up (bench/scenarios/in-turns.ts): runs compared
   * with each other took turns on the machine, so its drift weighs on each alike.
   * Absent: one load.
   */
  readonly turns?: number;
  /** Galera nodes the gateways connect to (the Galera scenario); absent: one standalone server. */
  readonly clusterNodes?: number;
}

/**
 * A long run's steadiness: payments in each whole minute of the measured window, the
 * last minute against the first, and the gateway's resident memory sampled over time.
 */
export interface SoakFigures {
  /** Payments completed in each whole minute of the measured window, in order. */
  readonly perMinute: readonly number[];
  /** last / first - 1 (0.05: the last minute was 5 % faster); undefined under two minutes. */
  readonly lastVsFirst: number | undefined;
  /** The gateway's CPU ms per payment in each of those minutes: whether a payment costs more as the run goes on. */
  readonly cpuMsPerPayment?: readonly number[];
  /** The gateway's RSS (VmRSS), seconds since the load started. */
  readonly rssMiB: ReadonlyArray<{ readonly s: number; readonly mib: number }>;
}

/**
 * How webhook delivery kept up with the payments of one run: the backlog sampled
 * during the load, the lag from an event's `created_at` to its first receipt, and
 * what was left once the load stopped.
 */
export interface WebhookFigures {
  readonly endpoints: number;
  /** Events written from the start of the load to its end (warm-up included). */
  readonly events: number;
  /** Events per second in the measured window. */
  readonly eventsPerS: number;
  /** Pending deliveries, seconds since the load started (warm-up included). */
  readonly backlog: ReadonlyArray<{ readonly s: number; readonly pending: number }>;
  readonly backlogAtLoadEnd: number;
  /** Largest backlog sample in the measured window. */
  readonly backlogMaxMeasured: number;
  /** Lag of the events written in the measured window; one not received by the end counts with its wait so far. */
  readonly lagP50Ms: number;
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  /** Share of the load's events received before the load ended. */
  readonly deliveredByLoadEnd: number;
  /** Seconds from the end of the load until nothing was pending; null when the wait ran out first. */
  readonly drainS: number | null;
  /** Events never received by the end of the wait. */
  readonly undelivered: number;
  readonly duplicates: number;
  readonly concurrentDuplicates: number;
}

export interface ScenarioContext {
  readonly config: BenchConfig;
  /** Rows measured so far in this run (later scenarios read scenario 1's best concurrency). */
  readonly rows: readonly ScenarioRow[];
  /** A progress callback for one load run, labelled for the display. */
  progress(label: string): (p: LoadProgress) => void;
  log(line: string): void;
}

/** One measured run of a scenario (one row of the table). */
export interface BenchRun {
  readonly variant: string;
  measure(): Promise<ScenarioRow>;
}

/**
 * One benchmark scenario. The harness runs the list in bench/scenarios/index.ts in
 * order; a scenario whose feature is not in this build says so in `unavailable`
 * and appears in the table as "not available yet" instead of failing the run.
 *
 * @example
 * ```ts
 * export const hostedPageScenario: BenchScenario = {
 *   number: 3, id: 'hosted-page', title: 'hosted page',
 *   unavailable: () => (fs.existsSync(PAY_ROUTES) ? undefined : 'no hosted payment page in this build (issue 3)'),
 *   plan: (ctx) => [{ variant: 'branded', measure: () => measurePageViews(ctx) }],
 * };
 * ```
 */
export interface BenchScenario {
  readonly number: number;
  readonly id: string;
  readonly title: string;
  /**
   * Take turns with the neighbouring scenarios that also set this: one run of each
   * in turn (card c=8, floor c=8, card c=32, ...), so a noisy neighbour on the
   * machine weighs on both sides of a ratio alike.
   */
  readonly interleave?: boolean;
  unavailable(): string | undefined;
  /** The runs, planned when the scenario's turn comes (so they can use earlier rows). */
  plan(ctx: ScenarioContext): BenchRun[];
}

/** The concurrency at which scenario 1 had its best throughput (the middle level if it did not run). */
export function bestCardConcurrency(ctx: ScenarioContext): number {
  const best = bestRow(ctx.rows, 'card-payment');
  if (best?.concurrency !== undefined) return best.concurrency;
  const levels = ctx.config.concurrency;
  return levels[Math.floor(levels.length / 2)] ?? 32;
}

export function bestRow(rows: readonly ScenarioRow[], scenario: string): ScenarioRow | undefined {
  return rows
    .filter((r) => r.scenario === scenario && r.status === 'measured' && r.throughput !== undefined)
    .reduce<ScenarioRow | undefined>((best, r) => (best === undefined || (r.throughput ?? 0) > (best.throughput ?? 0) ? r : best), undefined);
}
