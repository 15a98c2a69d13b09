import { NextFunction, Request, Response, Router } from 'express';
import { ExtraRoutes } from '../http/app';
import { PluginError, PluginRouteOptions } from './plugin';

/** Where every plugin's own routes live: /plugins/<short-name>/... */
export const PLUGIN_ROUTE_PREFIX = '/plugins';

/**
 * Prefixes core serves itself: a plugin's public path may not be one of them or lie
 * below one. /dashboard, /console and /web-assets are not core's: @tender/dashboard
 * claims them as its public paths, so two web UIs cannot both mount there. `/pay` is not here: core's pages are /pay/<token> and /pay/link/<token>,
 * whose tokens never hold a dot, so a plugin may claim file-like paths below it
 * (Assist's /pay/order.cfm) and nothing else there.
 */
export const CORE_PREFIXES = [
  '/v1',
  '/admin',
  '/healthz',
  '/readyz',
  '/metrics',
  '/status',
  '/signup',
  '/signin',
  '/signout',
  '/password',
  '/vendor',
  PLUGIN_ROUTE_PREFIX,
] as const;

/** A route registration as the gateway keeps it until the app is built. */
export interface PluginRoute {
  readonly plugin: string;
  readonly shortName: string;
  readonly scope: 'root' | 'admin' | 'api';
  readonly path: string;
  readonly router: Router;
  readonly publicPaths: readonly string[];
}

const PATH = /^\/([A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*)?$/;

function within(child: string, parent: string): boolean {
  return parent === '/' || child === parent || child.startsWith(`${parent}/`);
}

/** Checks one registration's paths; throws PluginError naming the plugin. */
export function checkRoute(route: PluginRoute): void {
  const fail = (message: string): never => {
    throw new PluginError(`plugin ${route.plugin}: ${message}`);
  };
  if (!PATH.test(route.path)) fail(`route path '${route.path}' must start with / and hold only letters, digits and . _ ~ -`);
  if (route.scope !== 'root' && route.publicPaths.length > 0) fail('publicPaths are for registerRoutes only');
  for (const p of route.publicPaths) {
    if (!PATH.test(p) || p === '/') fail(`public path '${p}' must be a path below / (letters, digits, . _ ~ -)`);
    if (!within(p, route.path)) fail(`public path '${p}' lies outside the router's mount path '${route.path}'`);
    const core = CORE_PREFIXES.find((prefix) => within(p, prefix) || within(prefix, p));
    if (core !== undefined) fail(`public path '${p}' collides with core's ${core}`);
    if (p === '/pay' || (p.startsWith('/pay/') && !/\.[A-Za-z0-9]+$/.test(p)))
      fail(`public path '${p}' collides with core's /pay/<token> pages (only file-like paths such as /pay/order.cfm may be claimed there)`);
  }
}

/** Refuses two public paths that overlap, whichever plugins registered them. */
export function checkPublicPathCollisions(routes: readonly PluginRoute[]): void {
  const claims = routes.flatMap((r) => r.publicPaths.map((p) => ({ plugin: r.plugin, path: p })));
  for (let i = 0; i < claims.length; i++) {
    for (let j = i + 1; j < claims.length; j++) {
      const a = claims[i];
      const b = claims[j];
      if (within(a.path, b.path) || within(b.path, a.path)) {
        throw new PluginError(`public path '${b.path}' of plugin ${b.plugin} overlaps '${a.path}' of plugin ${a.plugin}`);
      }
    }
  }
}

/** What createApp mounts: own routes under /plugins/<short-name>, public ones behind a guard that lets only their paths through. */
export function toExtraRoutes(routes: readonly PluginRoute[]): ExtraRoutes[] {
  return routes.map((r) => {
    if (r.scope !== 'root') return { path: r.path, router: r.router, scope: r.scope };
    if (r.publicPaths.length === 0) return { path: `${PLUGIN_ROUTE_PREFIX}/${r.shortName}${r.path === '/' ? '' : r.path}`, router: r.router, scope: 'root' };
    const guarded = (req: Request, res: Response, next: NextFunction): void => {
      const requested = req.originalUrl.split('?')[0] ?? '';
      if (r.publicPaths.some((p) => within(requested, p))) r.router(req, res, next);
      else next();
    };
    return { path: r.path, router: guarded, scope: 'root' };
  });
}

/** Builds a registration from a context call. */
export function pluginRoute(
  plugin: string,
  shortName: string,
  scope: PluginRoute['scope'],
  path: string,
  router: Router,
  options: PluginRouteOptions = {},
): PluginRoute {
  const route: PluginRoute = { plugin, shortName, scope, path, router, publicPaths: [...(options.publicPaths ?? [])] };
  checkRoute(route);
  return route;
}
