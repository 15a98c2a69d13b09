import { NextFunction, Request, Response, Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { TenderPlugin } from '@tender/core';
import { HandlebarsWebViews } from './web-views';
import { areaRouter, webAssetRoutes } from './web-shell.routes';
import { DASHBOARD_SECTIONS } from './dashboard/sections';
import { CONSOLE_SECTIONS } from './console/sections';

/**
 * The merchant dashboard (/dashboard), the operator console (/console) and their
 * assets (/web-assets) as a Tender plugin. Without it the gateway serves the API,
 * the hosted page, payment links and sign-up, and those three paths are 404.
 *
 * The templates are compiled here, at register, so a broken one stops the start; the
 * areas' routers are built at their first request, because they resolve core services
 * (payments, refunds, routing) that core registers after its plugins.
 *
 * @example
 * ```ts
 * // TENDER_PLUGINS=@tender/adapter-sandbox,@tender/dashboard (the default list has both)
 * await Gateway.create(config, { plugins: [sandboxPlugin, dashboardPlugin] });
 * ```
 */
export const plugin: TenderPlugin = {
  name: '@tender/dashboard',
  version: '0.1.0',
  coreRange: '^0.1.0',
  register(ctx) {
    const views = new HandlebarsWebViews();
    ctx.registerRoutes('/web-assets', webAssetRoutes());
    ctx.registerRoutes('/dashboard', builtOnFirstRequest(ctx.container, (c) => areaRouter(c, views, 'dashboard', 'merchant', DASHBOARD_SECTIONS)));
    ctx.registerRoutes('/console', builtOnFirstRequest(ctx.container, (c) => areaRouter(c, views, 'console', 'operator', CONSOLE_SECTIONS)));
  },
};

/** Same plugin, under the name a program embedding the gateway reads best. */
export const dashboardPlugin = plugin;

/** A router that builds the real one when the first request arrives (after every registration). */
function builtOnFirstRequest(container: DependencyContainer, build: (container: DependencyContainer) => Router): Router {
  let router: Router | undefined;
  const outer = Router();
  outer.use((req: Request, res: Response, next: NextFunction) => {
    router ??= build(container);
    router(req, res, next);
  });
  return outer;
}
