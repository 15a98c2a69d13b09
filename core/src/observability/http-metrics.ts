import express, { Request, RequestHandler } from 'express';
import { TenderMetrics, labelValue } from './metrics';

/** The label of a request no route answered (a 404, a static file, a plugin's own middleware). */
export const UNMATCHED_ROUTE = '(unmatched)';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Where the route setter below keeps a request's route and its pattern. */
const ROUTE = Symbol('route');
const PATTERN = Symbol('routePattern');
type Tracked = Request & { [ROUTE]?: unknown; [PATTERN]?: string };

/**
 * Catches the route pattern when the router picks the route: Express assigns
 * `req.route` then, while `req.baseUrl` still holds the mount path (once the response
 * is finished Express has restored `req.baseUrl`). The accessor sits on Express's
 * request prototype, which every app's and sub-app's requests inherit, once per
 * process: defining it on each request (as before 6 Dec) put every request object in
 * V8's slow dictionary mode, about 15 µs per request in a micro-benchmark.
 */
function trackRoutePatterns(): void {
  if (Object.getOwnPropertyDescriptor(express.request, 'route')?.get !== undefined) return;
  Object.defineProperty(express.request, 'route', {
    configurable: true,
    enumerable: true,
    get(this: Tracked): unknown {
      return this[ROUTE];
    },
    set(this: Tracked, value: unknown) {
      this[ROUTE] = value;
      this[PATTERN] = patternOf(this, value);
    },
  });
}

/**
 * Times every request into `tender_http_request_duration_seconds`, labelled with the
 * route pattern that answered it (`/v1/payments/:id`), never the URL: a URL carries
 * ids, page tokens and whatever a caller typed, and would make one series per
 * request.
 *
 * @example
 * ```ts
 * app.use(httpMetrics(metrics)); // before any router
 * ```
 */
export function httpMetrics(metrics: TenderMetrics): RequestHandler {
  trackRoutePatterns();
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const pattern = (req as Tracked)[PATTERN];
      metrics.httpDuration.observe(
        {
          method: METHODS.has(req.method) ? req.method : 'OTHER',
          route: pattern === undefined ? UNMATCHED_ROUTE : labelValue(pattern, UNMATCHED_ROUTE),
          status: String(res.statusCode),
        },
        seconds,
      );
    });
    next();
  };
}

/** The mount path plus the route's own path, as written in the code. */
function patternOf(req: Request, route: unknown): string | undefined {
  const path = (route as { path?: unknown } | undefined)?.path;
  const own = typeof path === 'string' ? path : Array.isArray(path) ? path.map(String).join('|') : path === undefined ? undefined : String(path);
  if (own === undefined) return undefined;
  const joined = `${req.baseUrl}${own === '/' && req.baseUrl !== '' ? '' : own}`;
  return joined === '' ? '/' : joined;
}
