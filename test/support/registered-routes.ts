import { Express } from 'express';

/** A route as express has it: upper-case method and the full path (`/v1/payments/:id`). */
export interface RegisteredRoute {
  readonly method: string;
  readonly path: string;
}

interface LayerLike {
  readonly rawPath?: unknown;
  readonly route?: { readonly path: unknown; readonly methods: Record<string, boolean> };
  readonly handle?: { readonly stack?: readonly LayerLike[] };
}

/**
 * Every route registered on an express 5 app, found by walking the router stack
 * (mounted routers' `rawPath` joined with their routes' paths). Routers built on the
 * first request (routerOnFirstRequest) are not seen until then; none of those is
 * under /v1.
 *
 * @example
 * ```ts
 * registeredRoutes(gateway.app).filter((r) => r.path.startsWith('/v1/'));
 * ```
 */
export function registeredRoutes(app: Express): RegisteredRoute[] {
  const root = (app as unknown as { router: { stack: readonly LayerLike[] } }).router;
  const out: RegisteredRoute[] = [];
  walk(root.stack, '', out);
  return out;
}

function walk(stack: readonly LayerLike[], prefix: string, out: RegisteredRoute[]): void {
  for (const layer of stack) {
    if (layer.route !== undefined) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push({ method: method.toUpperCase(), path: join(prefix, String(p)) });
      }
    } else if (layer.handle?.stack !== undefined) {
      const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
      walk(layer.handle.stack, join(prefix, mount), out);
    }
  }
}

function join(prefix: string, path: string): string {
  const joined = `${prefix.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
