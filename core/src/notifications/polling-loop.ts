import { Logger } from '../logging/logger';

/**
 * A background job that drains a queue: it runs `step` again at once while `step`
 * finds work, then waits `intervalMs`. `stop` aborts the signal `step` is given (a
 * step that runs as long as work keeps coming, like the webhook pump, ends then)
 * and waits for the step in progress, so a closing gateway never destroys the pool
 * under a dispatcher.
 *
 * @example
 * ```ts
 * const loop = new PollingLoop('webhooks', 1000, (signal) => dispatcher.pump(signal), logger);
 * loop.start();
 * await loop.stop();
 * ```
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private abort = new AbortController();

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly step: (signal: AbortSignal) => Promise<number>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.drain().finally(() => {
        this.running = undefined;
      });
    }, ms);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    let found = 0;
    try {
      found = await this.step(this.abort.signal);
    } catch (error) {
      this.logger.error({ job: this.name, error: error instanceof Error ? error.message : String(error) }, 'background job failed');
    }
    this.schedule(found > 0 ? 0 : this.intervalMs);
  }
}
