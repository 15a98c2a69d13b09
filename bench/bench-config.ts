/**
 * How one `npm run bench` run is sized, read from the environment so a run can be
 * shortened for a smoke test or lengthened on a quieter machine without editing code.
 *
 * @example
 * ```sh
 * BENCH_QUICK=1 npm run bench                       # a 30-second smoke test
 * BENCH_MEASURE_S=60 BENCH_CONCURRENCY=16,32 npm run bench
 * BENCH_SCENARIOS=card-payment,floor npm run bench  # only these scenarios
 * ```
 */
export interface BenchConfig {
  /** Seconds of load before measuring starts (JIT, pools and buffer pool warm up); excluded from the figures. */
  readonly warmupS: number;
  /** Seconds of load that are measured. */
  readonly measureS: number;
  /** Client concurrency levels tried for the card payment and floor scenarios. */
  readonly concurrency: readonly number[];
  /**
   * Turns the runs of the growth and scale-out scenarios and of the webhooks cost take (BENCH_TURNS, default 4;
   * 2 in quick mode): their measured time is split into this many loads, and the runs
   * compared take turns, so the machine's drift weighs on each alike (in-turns.ts).
   */
  readonly turns: number;
  /** Scenario ids to run; empty means all. */
  readonly only: readonly string[];
  /** Also run the growth scenario with 1 million payments of history (slow to populate). */
  readonly history1M: boolean;
  /** Write a V8 CPU profile of every gateway process into this directory. */
  readonly profileDir: string | undefined;
  /** Extra Node/V8 flags for every gateway process (BENCH_GATEWAY_NODE_ARGS, space-separated), for A/B runs of runtime settings. */
  readonly gatewayNodeArgs: readonly string[];
  /** Server URL without a database name; each run creates and drops its own database. */
  readonly mysqlUrl: string;
  readonly quick: boolean;
  /** Run the soak scenario (BENCH_SOAK=1, or `soak` named in BENCH_SCENARIOS). */
  readonly soak: boolean;
  /** Seconds the soak measures (BENCH_SOAK_S, default 600: the 10 minutes). */
  readonly soakS: number;
  /** GALERA_BASE_PORT for the Galera scenario's own cluster (default 4710: node n uses 4710+n, +100+n, +200+n and +300+n, all clear of the cluster tests' 4310 family; 4410 would take 4310's group ports 4411-4413). */
  readonly galeraBasePort: number;
}

export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const quick = env.BENCH_QUICK === '1';
  return {
    warmupS: positive(env.BENCH_WARMUP_S, quick ? 2 : 10, 'BENCH_WARMUP_S', true),
    measureS: positive(env.BENCH_MEASURE_S, quick ? 4 : 20, 'BENCH_MEASURE_S', false),
    concurrency: list(env.BENCH_CONCURRENCY, quick ? [16] : [8, 32, 64]).map((v) => positive(v, 0, 'BENCH_CONCURRENCY', false)),
    turns: Math.max(1, Math.floor(positive(env.BENCH_TURNS, quick ? 2 : 4, 'BENCH_TURNS', false))),
    only: list(env.BENCH_SCENARIOS, []),
    history1M: env.BENCH_HISTORY_1M === '1',
    profileDir: env.BENCH_PROFILE_DIR === undefined || env.BENCH_PROFILE_DIR === '' ? undefined : env.BENCH_PROFILE_DIR,
    gatewayNodeArgs: (env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''),
    mysqlUrl: (env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, ''),
    quick,
    soak: env.BENCH_SOAK === '1' || list(env.BENCH_SCENARIOS, []).includes('soak'),
    soakS: positive(env.BENCH_SOAK_S, 600, 'BENCH_SOAK_S', false),
    galeraBasePort: positive(env.BENCH_GALERA_BASE_PORT, 4710, 'BENCH_GALERA_BASE_PORT', false),
  };
}

function list(value: string | undefined, fallback: readonly string[] | readonly number[]): string[] {
  if (value === undefined || value.trim() === '') return fallback.map(String);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function positive(value: string | undefined, fallback: number, name: string, zeroAllowed: boolean): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!zeroAllowed && n === 0))
    throw new Error(`${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number (got '${value}')`);
  return n;
}
