import express, { Express, Router } from 'express';
import helmet from 'helmet';
import { DependencyContainer } from 'tsyringe';
import { ADMIN_TOKEN } from '../config/tokens';
import { DATABASE, Database } from '../db/database';
import { LOGGER, Logger } from '../logging/logger';
import { ApiKeyService } from '../merchants/api-keys';
import { adminAuth } from './middleware/admin-auth';
import { merchantAuth } from './middleware/merchant-auth';
import { errorHandler, requireJsonBody, routeNotFound } from './middleware/error-handler';
import { requestLog } from './middleware/request-log';
import { paymentRoutes } from './api/payments.routes';
import { refundRoutes } from './api/refunds.routes';
import { adminMerchantRoutes } from './admin/merchants.routes';
import { healthRoutes } from './health.routes';
import { brandingRoutes } from './api/branding.routes';
import { accountRoutes } from './api/account.routes';
import { paymentLinkRoutes } from './api/payment-links.routes';
import { payRoutes } from './pay/pay.routes';

/** Routers plugins add, mounted after the core's own. */
export interface ExtraRoutes {
  readonly path: string;
  readonly router: Router;
}

/**
 * The express application: merchant API under /v1, operator API under /admin/v1,
 * health, and whatever plugins mount. Nothing here holds state; any number of
 * processes can serve the same database.
 */
export function createApp(container: DependencyContainer, extra: readonly ExtraRoutes[] = []): Express {
  const logger = container.resolve<Logger>(LOGGER);
  const db = container.resolve<Database>(DATABASE);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(helmet());
  app.use(requestLog(logger));
  app.use(healthRoutes(db, logger));

  const api = Router();
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use(requireJsonBody);
  api.use(express.json({ limit: '64kb', strict: true }));
  api.use(merchantAuth(container.resolve(ApiKeyService)));
  api.use(paymentRoutes(container));
  api.use(refundRoutes(container));
  api.use(brandingRoutes(container));
  api.use(accountRoutes(container));
  api.use(paymentLinkRoutes(container));
  api.use(routeNotFound);
  app.use('/v1', api);
  // The buyer's HTML pages: own parsers, CSP and error pages (pay/pay.routes.ts).
  app.use('/pay', payRoutes(container));

  const admin = Router();
  admin.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  admin.use(adminAuth(container.resolve<string>(ADMIN_TOKEN)));
  admin.use(requireJsonBody);
  admin.use(express.json({ limit: '64kb', strict: true }));
  admin.use(adminMerchantRoutes(container));
  admin.use(routeNotFound);
  app.use('/admin/v1', admin);

  for (const r of extra) app.use(r.path, r.router);
  app.use(routeNotFound);
  app.use(errorHandler(logger));
  return app;
}
