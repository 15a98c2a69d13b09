import { Router } from 'express';
import { Logger } from '../logging/logger';
import { TenderError } from '../errors/tender-error';
import { TenderMetrics } from './metrics';
import { metricsAccess } from './metrics-access';
import { ReadinessCheck, runReadiness } from './readiness';

/**
 * `GET /metrics` (Prometheus text format, for the operator's scraper: see
 * metricsAccess for who may read it) and `GET /readyz` (200 when every readiness
 * check passes, else 503 naming the failed ones). `/healthz` (health.routes.ts)
 * stays the liveness probe: the process answers and the database is reachable.
 *
 * @example
 * ```ts
 * app.use(observabilityRoutes({ metrics, metricsToken: config.metricsToken, readiness: () => container.resolveAll(READINESS_CHECK), logger }));
 * ```
 */
export function observabilityRoutes(deps: {
  readonly metrics: TenderMetrics;
  readonly metricsToken: string | undefined;
  readonly readiness: () => readonly ReadinessCheck[];
  readonly logger: Logger;
}): Router {
  const router = Router();
  router.get('/metrics', async (req, res, next) => {
    const access = metricsAccess(req, deps.metricsToken);
    res.setHeader('Cache-Control', 'no-store');
    if (access === 'hidden') {
      next(new TenderError('route_not_found', { message: 'No such endpoint: GET /metrics.' }));
      return;
    }
    if (access === 'unauthorized') {
      res.setHeader('WWW-Authenticate', 'Bearer realm="tender-metrics"');
      next(new TenderError('authentication_required', { message: 'GET /metrics needs Authorization: Bearer <TENDER_METRICS_TOKEN>.' }));
      return;
    }
    try {
      const text = await deps.metrics.exposition();
      res.type(deps.metrics.contentType).send(text);
    } catch (error) {
      next(error);
    }
  });
  router.get('/readyz', async (_req, res) => {
    const report = await runReadiness(deps.readiness(), deps.logger);
    res.setHeader('Cache-Control', 'no-store');
    res.status(report.status === 'ready' ? 200 : 503).json(report);
  });
  return router;
}
