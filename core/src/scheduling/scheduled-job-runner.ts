import { Logger } from '../logging/logger';
import { BackgroundJob } from '../plugins/plugin';
import { JobLeases } from './job-leases';
import { ScheduledJob } from './scheduled-job';

const DEFAULT_LEASE_MS = 30_000;

/**
 * Runs one ScheduledJob in this process: rounds never overlap here, an exclusive job's
 * rounds never overlap anywhere (each is run under a claimed lease, renewed while it
 * runs and freed when it ends), and a failing round is logged and retried after the
 * interval. `stop` aborts the round's signal and waits for it.
 *
 * @example
 * ```ts
 * const runner = new ScheduledJobRunner(job, new JobLeases(db), 'host:42:ab12', logger);
 * runner.start();
 * await runner.stop();
 * ```
 */
export class ScheduledJobRunner implements BackgroundJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private abort = new AbortController();

  constructor(
    private readonly job: ScheduledJob,
    private readonly leases: JobLeases,
    private readonly holder: string,
    private readonly logger: Logger,
  ) {}

  get name(): string {
    return this.job.name;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    this.schedule(this.job.runAtStart === false ? this.job.intervalMs : 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private get leaseMs(): number {
    return this.job.leaseMs ?? DEFAULT_LEASE_MS;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => {
        this.running = undefined;
      });
    }, ms);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    let next = this.job.intervalMs;
    try {
      if (this.job.concurrency === 'parallel') {
        if (foundWork(await this.job.run(this.abort.signal))) next = 0;
      } else {
        next = await this.exclusiveRound();
      }
    } catch (error) {
      this.logger.error({ job: this.job.name, error: error instanceof Error ? error.message : String(error) }, 'background job failed');
    }
    this.schedule(next);
  }

  /** One claim; returns when to try again. */
  private async exclusiveRound(): Promise<number> {
    const { name, intervalMs } = this.job;
    if (!(await this.leases.claim(name, this.holder, this.leaseMs, { firstRunAt: Date.now() }))) {
      // Not due, or another process holds it: look again in time to take over a dead holder's job.
      return Math.min(intervalMs, this.leaseMs);
    }
    if (this.stopped) {
      await this.leases.release(name, this.holder);
      return intervalMs;
    }
    const round = new AbortController();
    const onStop = (): void => round.abort();
    this.abort.signal.addEventListener('abort', onStop);
    const renewal = setInterval(
      () => {
        this.leases.renew(name, this.holder, this.leaseMs).then(
          (held) => {
            if (held) return;
            this.logger.warn({ job: name }, 'background job lost its lease; the round is asked to stop');
            round.abort();
          },
          (error: unknown) =>
            this.logger.warn({ job: name, error: error instanceof Error ? error.message : String(error) }, 'background job lease renewal failed'),
        );
      },
      Math.max(100, Math.floor(this.leaseMs / 3)),
    );
    renewal.unref();
    let again = false;
    try {
      again = foundWork(await this.job.run(round.signal)) && !this.stopped && !round.signal.aborted;
    } finally {
      clearInterval(renewal);
      this.abort.signal.removeEventListener('abort', onStop);
      // Also after a failed round: the job waits its interval instead of failing in a loop.
      await this.leases.finish(name, this.holder, again ? Date.now() : Date.now() + intervalMs);
    }
    return again ? 0 : intervalMs;
  }
}

function foundWork(result: unknown): boolean {
  return typeof result === 'number' && result > 0;
}
