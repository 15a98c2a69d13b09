import { LoadProgress, LoadResult } from '../load/load-protocol';
import { ServerProcess } from '../server-process';
import { cpuMsPerPaymentPerMinute, lastVsFirst, perMinuteCounts } from '../soak-report';
import { RunObserver, measurePayments } from './payment-run';
import { BenchScenario, ScenarioContext, ScenarioRow } from './scenario';

const TITLE = 'soak (c=8, 8 merchants, one card each)';
const CONCURRENCY = 8;
const MiB = 1024 * 1024;
/** How often the gateway's RSS is read. */
const RSS_EVERY_MS = 15_000;

/** Records the load's progress (for payments per minute) and samples the gateway's RSS. */
class SoakWatch implements RunObserver {
  private readonly samples: { elapsedMs: number; measured: number; cpuS: number }[] = [];
  private readonly rss: { s: number; mib: number }[] = [];
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly gateway: ServerProcess | undefined,
    private readonly warmupMs: number,
    private readonly measureMs: number,
  ) {
    this.sampleRss();
    this.timer = setInterval(() => this.sampleRss(), RSS_EVERY_MS);
  }

  onProgress(p: LoadProgress): void {
    this.samples.push({ elapsedMs: p.elapsedMs, measured: p.measured, cpuS: this.gateway?.cpuSeconds() ?? 0 });
  }

  private sampleRss(): void {
    const bytes = this.gateway?.rssBytes();
    if (bytes !== undefined) this.rss.push({ s: Math.round((Date.now() - this.started) / 1000), mib: Math.round(bytes / MiB) });
  }

  finish(result: LoadResult): Promise<Partial<ScenarioRow>> {
    this.sampleRss();
    clearInterval(this.timer);
    // The window's end, exactly: the once-a-second progress may have stopped just short of
    // it (the last minute would then be left out); the result's count is the window's.
    this.samples.push({ elapsedMs: this.warmupMs + this.measureMs, measured: result.measured, cpuS: this.gateway?.cpuSeconds() ?? 0 });
    const perMinute = perMinuteCounts(this.samples, this.warmupMs, this.measureMs);
    const cpuMsPerPayment = cpuMsPerPaymentPerMinute(this.samples, this.warmupMs, this.measureMs);
    return Promise.resolve({ soak: { perMinute, lastVsFirst: lastVsFirst(perMinute), cpuMsPerPayment, rssMiB: this.rss } });
  }
}

/**
 * Scenario 11 (opt-in: BENCH_SOAK=1 or BENCH_SCENARIOS=soak): card payments at c=8
 * for BENCH_SOAK_S seconds (default 600), 8 merchants each paying with one card from
 * one address, as a shop's server-side integration does. Reports payments per
 * minute, whether the last minute is within 10 % of the first, the gateway's CPU per
 * payment in each minute and its RSS over time: the cost of a payment must not grow as
 * the hour fills.
 */
export const soakScenario: BenchScenario = {
  number: 11,
  id: 'soak',
  title: TITLE,
  unavailable: () => undefined,
  plan(ctx) {
    const variant = `${Math.round(ctx.config.soakS / 60)} min, c=${CONCURRENCY}`;
    if (!ctx.config.soak) {
      return [
        {
          variant,
          measure: async () => ({
            number: 11,
            scenario: 'soak',
            title: TITLE,
            variant,
            status: 'skipped',
            note: 'opt-in: BENCH_SOAK=1 or BENCH_SCENARIOS=soak (10 minutes)',
          }),
        },
      ];
    }
    const run: ScenarioContext = { ...ctx, config: { ...ctx.config, measureS: ctx.config.soakS } };
    return [
      {
        variant,
        measure: () =>
          measurePayments(run, {
            number: 11,
            scenario: 'soak',
            title: TITLE,
            variant,
            server: 'gateway',
            processes: 1,
            concurrency: CONCURRENCY,
            historyPayments: 0,
            observe: (_db, servers) => new SoakWatch(servers[0], run.config.warmupS * 1000, run.config.soakS * 1000),
          }),
      },
    ];
  },
};
