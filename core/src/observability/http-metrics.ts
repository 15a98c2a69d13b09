import { Request, RequestHandler } from 'express';
import { TenderMetrics, labelValue } from './metrics';

/** The label of a request no route answered (a 404, a static file, a plugin's own middleware). */
export const UNMATCHED_ROUTE = '(unmatched)';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Times every request into `tender_http_request_duration_seconds`, labelled with the
 * route pattern that answered it (`/v1/payments/:id`), never the URL: a URL carries
 * ids, page tokens and whatever a caller typed, and would make one series per
 * request. The pattern is caught when the router picks the route (Express assigns
 * `req.route` then, while `req.baseUrl` still holds the mount path), because once the
 * response is finished Express has already restored `req.baseUrl`.
 *
 * @example
 * ```ts
 * app.use(httpMetrics(metrics)); // before any router
 * ```
 */
export function httpMetrics(metrics: TenderMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let pattern: string | undefined;
    let route: unknown;
    Object.defineProperty(req, 'route', {
      configurable: true,
      enumerable: true,
      get: () => route,
      set: (value: unknown) => {
        route = value;
        pattern = patternOf(req, value);
      },
    });
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
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
