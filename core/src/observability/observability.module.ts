import { DependencyContainer } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { TenderConfig } from '../config/config';
import { DATABASE, Database } from '../db/database';
import { MigratingPlugin } from '../db/plugin-migrator';
import { LOGGER, Logger } from '../logging/logger';
import { ConnectionHealth } from '../routing/connection-health';
import { KEY_RING, KeyRing } from '../vault/key-ring';
import { coreReadinessChecks } from './core-readiness';
import { TenderMetrics } from './metrics';
import { READINESS_CHECK, ReadinessCheck } from './readiness';
import { registerScrapeGauges } from './scrape-gauges';

/**
 * Registers the gateway's metrics (one TenderMetrics, with its scrape-time gauges)
 * and core's readiness checks. Called once core's singletons are registered and
 * before any plugin's setup, so services and plugins find both.
 *
 * @example
 * ```ts
 * registerObservability(container, config, plugins);
 * container.resolve(TenderMetrics).exposition();
 * ```
 */
export function registerObservability(container: DependencyContainer, config: TenderConfig, plugins: readonly MigratingPlugin[]): void {
  const metrics = new TenderMetrics();
  container.register(TenderMetrics, { useValue: metrics });
  const db = container.resolve<Database>(DATABASE);
  registerScrapeGauges(metrics, {
    db,
    clock: container.resolve<Clock>(CLOCK),
    logger: container.resolve<Logger>(LOGGER),
    health: container.resolve(ConnectionHealth),
    reconcileAfterMs: config.reconcileAfterMs,
  });
  for (const check of coreReadinessChecks(db, container.resolve<KeyRing>(KEY_RING), plugins))
    container.register<ReadinessCheck>(READINESS_CHECK, { useValue: check });
}
