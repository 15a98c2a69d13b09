import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { WebSessionStore } from './sessions/web-session.store';
import { principalOf, requireWebRole, webViewsOf } from './web-contract';
import { safeNext } from './web-auth.middleware';
import { WebArea, shellStateOf } from './web-views';

/**
 * The area's home page and, in the dashboard, the test/live switch (kept in the
 * session, so every screen reads principal.mode).
 */
export function homeRoutes(container: DependencyContainer, area: WebArea): Router {
  const router = Router();
  const sessions = container.resolve(WebSessionStore);

  if (area === 'console') {
    router.get('/', (_req, res) => webViewsOf(res).render(res, 'shell/console-home', { title: 'shell.console_home.title' }));
    return router;
  }

  router.get('/', requireWebRole('owner', 'developer', 'support'), (_req, res) => {
    webViewsOf(res).render(res, 'shell/dashboard-home', { title: 'shell.home.title' });
  });

  router.post('/mode', requireWebRole('owner', 'developer', 'support'), async (req, res) => {
    const principal = principalOf(res);
    const body = req.body as Record<string, unknown>;
    const mode = body.mode === 'live' ? 'live' : 'test';
    await sessions.setMode(principal.sessionId, mode);
    res.redirect(303, safeNext(body.back, shellStateOf(res).base));
  });

  return router;
}
