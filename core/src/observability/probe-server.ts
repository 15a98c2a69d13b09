import http from 'node:http';
import { AddressInfo } from 'node:net';
import express, { Express, Router } from 'express';
import helmet from 'helmet';
import { DependencyContainer } from 'tsyringe';
import { TenderConfig } from '../config/config';
import { CONFIG } from '../config/tokens';
import { DATABASE, Database } from '../db/database';
import { LOGGER, Logger } from '../logging/logger';
import { healthRoutes } from '../http/health.routes';
import { TenderMetrics } from './metrics';
import { observabilityRoutes } from './observability.routes';
import { READINESS_CHECK, ReadinessCheck } from './readiness';

/**
 * The probes alone, `/healthz`, `/readyz` and `/metrics` (same access rule), for a
 * process that serves no API: `tender worker` with TENDER_WORKER_METRICS_PORT, whose
 * webhook, e-mail and reconciler counters are otherwise nowhere to scrape.
 * Everything else is a bare 404.
 *
 * @example
 * ```ts
 * const server = await listenProbes(gateway.container, 9464, '127.0.0.1');
 * ```
 */
export function probeApp(container: DependencyContainer): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet());
  app.use(probeRoutes(container));
  // Errors (a refused /metrics) and unknown paths: a status, no body worth parsing.
  app.use((_req, res) => void res.status(404).json({ status: 'not_found' }));
  app.use((error: { status?: unknown }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    _next;
    res.status(typeof error.status === 'number' ? error.status : 500).json({ status: 'error' });
  });
  return app;
}

/**
 * `/healthz`, `/readyz` and `/metrics` from the gateway's container: mounted by the
 * gateway's app (after the request log and the HTTP metrics) and by probeApp.
 */
export function probeRoutes(container: DependencyContainer): Router {
  const logger = container.resolve<Logger>(LOGGER);
  const router = Router();
  router.use(healthRoutes(container.resolve<Database>(DATABASE), logger));
  router.use(
    observabilityRoutes({
      metrics: container.resolve(TenderMetrics),
      metricsToken: container.resolve<TenderConfig>(CONFIG).metricsToken,
      readiness: () => container.resolveAll<ReadinessCheck>(READINESS_CHECK),
      logger,
    }),
  );
  return router;
}

/** Serves probeApp on `port` (0: a free one); resolves once listening. */
export async function listenProbes(container: DependencyContainer, port: number, host: string): Promise<{ server: http.Server; address: AddressInfo }> {
  const server = http.createServer(probeApp(container));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, address: server.address() as AddressInfo };
}
