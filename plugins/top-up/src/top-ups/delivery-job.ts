import { BackgroundJob, Logger } from '@tender/core';
import { TopUpDelivery } from './top-up-delivery';

/** Runs a delivery pass every `intervalMs`, one at a time; `stop` waits for the pass in flight. */
export function deliveryJob(delivery: TopUpDelivery, intervalMs: number, logger: () => Logger): BackgroundJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  const tick = (): void => {
    running = delivery.runOnce().then(() => undefined, (error: unknown) => logger().warn({ err: error }, 'top-up delivery pass failed'))
      .finally(() => { running = undefined; if (!stopped) timer = setTimeout(tick, intervalMs); });
  };
  return {
    name: 'top-up-delivery',
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setTimeout(tick, 0);
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
