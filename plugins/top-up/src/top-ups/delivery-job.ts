import { BackgroundJob, Logger } from '@tender/core';
import { TopUpDelivery } from './top-up-delivery';

/**
 * Runs a delivery pass every `intervalMs` as a `parallel` job of the gateway's scheduler:
 * each process delivers, since every top-up is claimed with its own lease; `stop` waits
 * for the pass in flight. A failed pass is logged by the scheduler.
 */
export function deliveryJob(delivery: TopUpDelivery, intervalMs: number, _logger: () => Logger): BackgroundJob {
  return delivery.job(intervalMs);
}
