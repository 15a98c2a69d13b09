import { Router } from 'express';
import { Database } from '../db/database';
import { Logger } from '../logging/logger';

/** GET /healthz: 200 when the database answers, 503 otherwise. */
export function healthRoutes(db: Database, logger: Logger): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    try {
      await db.raw('select 1');
      res.json({ status: 'ok' });
    } catch (error) {
      logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'health check: database unavailable');
      res.status(503).json({ status: 'unavailable' });
    }
  });
  return router;
}
