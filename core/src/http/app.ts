import express, { Express, RequestHandler, Router } from 'express';
import helmet from 'helmet';
import { DependencyContainer } from 'tsyringe';
import { ADMIN_TOKEN } from '../config/tokens';
import { LOGGER, Logger } from '../logging/logger';
import { ApiKeyService } from '../merchants/api-keys';
import { adminAuth } from './middleware/admin-auth';
import { merchantAuth } from './middleware/merchant-auth';
import { errorHandler, routeNotFound } from './middleware/error-handler';
import { jsonBody, requireBodyType } from './body-parsing';
import { requestLog } from './middleware/request-log';
import { paymentRoutes } from './api/payments.routes';
import { refundRoutes } from './api/refunds.routes';
import { eventRoutes } from './api/events.routes';
import { webhookEndpointRoutes } from './api/webhook-endpoints.routes';
import { paymentStatusRoutes } from './status/payment-status.routes';
import { adminMerchantRoutes } from './admin/merchants.routes';
import { adminBankRoutes } from './admin/banks.routes';
import { adminAuditRoutes } from './admin/audit.routes';
import { applicationRoutes } from './api/applications.routes';
import { accountRoutes } from './api/account.routes';
import { apiKeyRoutes } from './api/api-keys.routes';
import { merchantStandingCheck } from './middleware/merchant-standing';
import { signupRoutes } from './signup/signup.routes';
import { MerchantStanding } from '../merchants/merchant-standing';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { riskRoutes } from './api/risk.routes';
import { adminRiskRoutes } from './admin/risk.routes';
import { merchantRoutingRoutes } from './api/routing.routes';
import { adminRoutingRoutes } from './admin/routing.routes';
import { brandingRoutes } from './api/branding.routes';
import { accountSigningRoutes } from './api/account-signing.routes';
import { paymentLinkRoutes } from './api/payment-links.routes';
import { payRoutes } from './pay/pay.routes';
import { tokenRoutes } from '../elements/token.routes';
import { elementsRoutes } from '../elements/elements.routes';
import { adminWebAccountRoutes } from '../web/admin-web-accounts.routes';
import { openApiRoutes } from './openapi/openapi.routes';
import { TenderMetrics } from '../observability/metrics';
import { httpMetrics } from '../observability/http-metrics';
import { probeRoutes } from '../observability/probe-server';

/** Routers plugins add, mounted after the core's own. */
export interface ExtraRoutes {
  readonly path: string;
  /** A router, or a guard in front of one (plugins' public paths). */
  readonly router: RequestHandler;
  /** Where it is mounted: the app root (default), inside /admin/v1 or inside /v1. */
  readonly scope?: 'root' | 'admin' | 'api';
}

/**
 * The express application: merchant API under /v1, operator API under /admin/v1,
 * health, and whatever plugins mount. Nothing here holds state; any number of
 * processes can serve the same database.
 */
export function createApp(container: DependencyContainer, extra: readonly ExtraRoutes[] = []): Express {
  const logger = container.resolve<Logger>(LOGGER);
  const app = express();
  app.disable('x-powered-by');
  // TENDER_TRUST_PROXY: req.ip is the client behind the operator's proxies (rate limits, risk's customer.ip).
  app.set('trust proxy', container.resolve<TenderConfig>(CONFIG).trustProxy);
  app.use(helmet());
  app.use(requestLog(logger));
  app.use(httpMetrics(container.resolve(TenderMetrics)));
  // /healthz, /readyz, /metrics (observability/probe-server.ts).
  app.use(probeRoutes(container));
  app.use(openApiRoutes(container));

  const api = Router();
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use(requireBodyType('json'));
  api.use(jsonBody({ limit: '64kb' }));
  api.use(applicationRoutes(container));
  // POST /v1/tokens takes a publishable key (the embedded fields' frames), so it comes before merchantAuth.
  api.use(tokenRoutes(container));
  api.use(merchantAuth(container.resolve(ApiKeyService)));
  api.use(merchantStandingCheck(container.resolve(MerchantStanding)));
  api.use(accountRoutes(container));
  api.use(apiKeyRoutes(container));
  api.use(paymentRoutes(container));
  api.use(refundRoutes(container));
  api.use(brandingRoutes(container));
  api.use(accountSigningRoutes(container));
  api.use(paymentLinkRoutes(container));
  api.use(merchantRoutingRoutes(container));
  api.use(riskRoutes(container));
  api.use(eventRoutes(container));
  api.use(webhookEndpointRoutes(container));
  for (const r of extra.filter((e) => e.scope === 'api')) api.use(r.path, r.router);
  api.use(routeNotFound);
  app.use('/v1', api);
  // The buyer's HTML pages: own parsers, CSP and error pages (pay/pay.routes.ts).
  // Protocol plugins own exact paths (e.g. /pay/order.cfm), so they go before /pay/:token.
  for (const r of extra.filter((e) => (e.scope ?? 'root') === 'root')) app.use(r.path, r.router);
  // /js/tender.js and the embedded card fields' frames (elements/elements.routes.ts).
  app.use(elementsRoutes(container));
  app.use('/pay', payRoutes(container));

  const admin = Router();
  admin.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  admin.use(adminAuth(container.resolve<string>(ADMIN_TOKEN)));
  admin.use(requireBodyType('json'));
  admin.use(jsonBody({ limit: '64kb' }));
  admin.use(adminMerchantRoutes(container, container.resolve<TenderConfig>(CONFIG).testModeHours));
  admin.use(adminBankRoutes(container));
  admin.use(adminAuditRoutes(container));
  admin.use(adminRoutingRoutes(container));
  admin.use(adminRiskRoutes(container));
  admin.use(adminWebAccountRoutes(container));
  for (const r of extra.filter((e) => e.scope === 'admin')) admin.use(r.path, r.router);
  admin.use(routeNotFound);
  app.use('/admin/v1', admin);
  app.use(signupRoutes(container));

  app.use('/status', paymentStatusRoutes(container));
  app.use(routeNotFound);
  app.use(errorHandler(logger));
  return app;
}
