import { ScreenRegistry, definePlugin, routerOnFirstRequest } from '@tender/core';
import { HandlebarsWebViews, themedWebFiles } from './web-views';
import { areaRouter, webAssetRoutes } from './web-shell.routes';
import { DASHBOARD_SECTIONS } from './dashboard/sections';
import { CONSOLE_SECTIONS } from './console/sections';
import { PaymentStatsService } from './home/payment-stats.service';
import { WebSignin } from './accounts/web-signin.service';
import { TotpSecretBox } from './accounts/totp-secret-box';
import { TotpService } from './accounts/totp.service';
import { SupportRefundLimits } from './dashboard/support-refund-limits';
import { BrandingDrafts } from './dashboard/branding-drafts';
import { PaymentTimelineAssembler } from './dashboard/payment-timeline';
import { DashboardPaymentActions } from './dashboard/payment-actions';
import { PaymentSearch } from './dashboard/payment-search';
import { ApplicationsQueue, MerchantStageCounts } from './console/merchant-board';
import { ReviewQueueQuery } from './console/review-queue.query';
import { BankHealthSummary } from './console/bank-health.summary';
import { ConsoleOverviewService } from './console/console-overview.service';
import { AuditQuery } from './console/audit-query';
import { AuditPeople } from './console/audit-people';

/** The dashboard's own services; the gateway's strict container builds only what is registered. */
const DASHBOARD_SERVICES = [
  PaymentStatsService,
  WebSignin,
  TotpSecretBox,
  TotpService,
  SupportRefundLimits,
  BrandingDrafts,
  PaymentTimelineAssembler,
  DashboardPaymentActions,
  PaymentSearch,
  MerchantStageCounts,
  ApplicationsQueue,
  ReviewQueueQuery,
  BankHealthSummary,
  ConsoleOverviewService,
  AuditQuery,
  AuditPeople,
] as const;

/**
 * The merchant dashboard (/dashboard), the operator console (/console) and their
 * assets (/web-assets) as a Tender plugin. Without it the gateway serves the API,
 * the hosted page, payment links and sign-up, and those three paths are 404.
 * Screens other plugins register (`ctx.registerScreen`) appear in its navigation.
 *
 * The templates are compiled at setup, so a broken one stops the start; the areas'
 * routers are built at their first request, after the start phase, when every
 * service and every plugin's screen is registered.
 *
 * @example
 * ```ts
 * // TENDER_PLUGINS=@tender/adapter-sandbox,@tender/dashboard (the default list has both)
 * await Gateway.create(config, { plugins: [sandboxPlugin, dashboardPlugin] });
 * ```
 */
export const plugin = definePlugin({
  name: '@tender/dashboard',
  version: '0.1.0',
  coreRange: '^0.1.0',
  setup(ctx) {
    for (const service of DASHBOARD_SERVICES) ctx.registerService<object>(service, 'transient');
    // The operator's theme (TENDER_TEMPLATES_DIR/dashboard) over the package's templates, and its brand.
    const config = ctx.core.config;
    const views = new HandlebarsWebViews(themedWebFiles(config.templatesDir), config.brand);
    ctx.registerRoutes('/web-assets', webAssetRoutes(config.templatesDir), { publicPaths: ['/web-assets'] });
    ctx.registerRoutes(
      '/dashboard',
      routerOnFirstRequest(() => areaRouter(ctx, views, 'dashboard', 'merchant', DASHBOARD_SECTIONS, ctx.resolve(ScreenRegistry).list('dashboard'))),
      { publicPaths: ['/dashboard'] },
    );
    ctx.registerRoutes(
      '/console',
      routerOnFirstRequest(() => areaRouter(ctx, views, 'console', 'operator', CONSOLE_SECTIONS, ctx.resolve(ScreenRegistry).list('console'))),
      { publicPaths: ['/console'] },
    );
  },
});

/** Same plugin, under the name a program embedding the gateway reads best. */
export const dashboardPlugin = plugin;
