import { NextFunction, Request, Response, Router } from 'express';

/**
 * A router whose real one is built when the first request arrives. A plugin
 * registers routes during `setup`, when it may not resolve services yet (the
 * registries are still open); routers that resolve services when they are built
 * are wrapped in this, so they are built after the start phase.
 *
 * @example
 * ```ts
 * ctx.registerRoutes('/pay-account', routerOnFirstRequest(() => payAccountRoutes(ctx)), { publicPaths: ['/pay-account'] });
 * ```
 */
export function routerOnFirstRequest(build: () => Router): Router {
  let router: Router | undefined;
  const outer = Router();
  outer.use((req: Request, res: Response, next: NextFunction) => {
    router ??= build();
    router(req, res, next);
  });
  return outer;
}
