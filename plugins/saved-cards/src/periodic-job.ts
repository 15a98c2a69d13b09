import { BackgroundJob, Logger } from '@tender/core';

/**
 * A background job that runs `work` at start and then every `intervalMs`, one round
 * at a time in this process (processes coordinate through claims in the database).
 * `stop` waits for a running round; a failing round is logged and the next one runs.
 *
 * @example
 * ```ts
 * ctx.registerBackgroundJob(periodicJob('saved-cards-expiry-notices', 3_600_000, () => notices.runOnce(), () => ctx.core.logger));
 * ```
 */
export function periodicJob(name: string, intervalMs: number, work: () => Promise<unknown>, logger: () => Logger): BackgroundJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const round = (): void => {
    if (running !== undefined) return;
    running = work()
      .then(() => undefined)
      .catch((error: unknown) => logger().warn({ error: String(error), job: name }, 'saved cards: background round failed'))
      .finally(() => {
        running = undefined;
      });
  };
  return {
    name,
    start() {
      if (timer !== undefined) return;
      timer = setInterval(round, intervalMs);
      timer.unref();
      round();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
