import { Express } from 'express';

/** One route of the running app, as the router stack holds it (`/v1/payments/:id`). */
export interface RouteSpec {
  readonly method: string;
  readonly path: string;
  /** `static`: a static-file mount (any path below it). */
  readonly kind: 'route' | 'static';
}

interface StackLayer {
  readonly route?: { readonly path: unknown; readonly methods: Record<string, boolean> };
  readonly handle: { readonly stack?: readonly StackLayer[]; readonly name?: string };
  readonly name?: string;
  readonly rawPath?: unknown;
}

/**
 * Every route of a started app, found by walking express's router stack (express 5,
 * router 2: each layer keeps the path it was mounted with as `rawPath`), so routes a
 * plugin or a later change adds are fuzzed without anyone listing them. Static-file
 * mounts count as one GET route each.
 *
 * @example
 * ```ts
 * routeInventory(gateway.app); // [{ method: 'POST', path: '/v1/payments', kind: 'route' }, ...]
 * ```
 */
export function routeInventory(app: Express): RouteSpec[] {
  const out = new Map<string, RouteSpec>();
  const walk = (stack: readonly StackLayer[], prefix: string): void => {
    for (const layer of stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      if (layer.route !== undefined) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths.filter((x): x is string => typeof x === 'string')) {
          const methods = Object.keys(layer.route.methods).filter((m) => layer.route?.methods[m] === true);
          for (const m of methods) {
            const spec: RouteSpec = { method: m === '_all' ? 'POST' : m.toUpperCase(), path: join(prefix, p), kind: 'route' };
            out.set(`${spec.method} ${spec.path}`, spec);
          }
        }
      } else if (Array.isArray(layer.handle.stack)) {
        walk(layer.handle.stack, join(prefix, mount));
      } else if (layer.name === 'serveStatic' || layer.handle.name === 'serveStatic') {
        const spec: RouteSpec = { method: 'GET', path: join(prefix, mount), kind: 'static' };
        out.set(`static ${spec.path}`, spec);
      }
    }
  };
  walk((app as unknown as { router: { stack: readonly StackLayer[] } }).router.stack, '');
  return [...out.values()].sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path.localeCompare(b.path)));
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
