import { Request, Response, Router } from 'express';
import { ServiceResolver } from '@tender/core';
import {
  CONFIG,
  TenderConfig,
  TenderError,
  WebAccountService,
  WebRealm,
  WebSessionStore,
  hashSessionId,
  csrfTokenOk,
  readCookie,
  webViewsOf,
} from '@tender/core';
import { wantsJson } from './web-refusal';
import { WebSignin } from './accounts/web-signin.service';
import { SIGNIN_CSRF_COOKIE, clearCookie, cookieOptions, sessionCookieName } from './web-cookies';
import { safeNext } from './web-auth.middleware';
import { formField, issueSigninFormToken, signinFormTokenOk } from './signin-form-token';
import { shellStateOf } from './web-views';

/**
 * Sign-in (e-mail and password, then a TOTP code when the account has one) and
 * sign-out. Before sign-in there is no session to hold a CSRF token, so the form uses
 * a double-submit token (a random cookie and the same value in the form). Every step
 * issues a new session id, so an id planted before sign-in is worth nothing after.
 */
export function signinRoutes(container: ServiceResolver, realm: WebRealm): Router {
  const router = Router();
  const config = container.resolve<TenderConfig>(CONFIG);
  const signin = container.resolve(WebSignin);
  const sessions = container.resolve(WebSessionStore);
  const accounts = container.resolve(WebAccountService);

  const showForm = (req: Request, res: Response, status: number, data: Record<string, unknown>): void => {
    const token = issueSigninFormToken(req, res, config.publicUrl);
    webViewsOf(res).render(
      res,
      'shell/signin',
      { title: 'shell.signin.title', signinCsrf: token, realm, showPasswordLink: realm === 'merchant', ...data },
      status,
    );
  };
  const startSession = async (req: Request, res: Response, accountId: string, stage: 'password' | 'full') => {
    const old = readCookie(req, sessionCookieName(shellStateOf(res).area));
    // Whatever session the browser came with ends here: the signed-in one has a new id.
    if (old !== undefined) await sessions.destroy(hashSessionId(old));
    return sessions.create(accountId, realm, stage, 'test');
  };

  router.get('/signin', (req, res) => {
    showForm(req, res, 200, {
      next: safeNext(req.query.next, shellStateOf(res).base),
      email: '',
      done: req.query.done === 'password' ? 'shell.signin.password_set' : undefined,
    });
  });

  router.post('/signin', async (req, res) => {
    const state = shellStateOf(res);
    const next = safeNext(formField(req, 'next'), state.base);
    const email = formField(req, 'email').slice(0, 320);
    if (!signinFormTokenOk(req)) {
      showForm(req, res, 403, { next, email, error: 'shell.csrf.text' });
      return;
    }
    const result = await signin.password(realm, email, formField(req, 'password').slice(0, 1000), req.ip ?? '');
    if (result.kind === 'failed' || result.kind === 'locked') {
      if (wantsJson(req)) {
        res.status(result.kind === 'locked' ? 429 : 401).json(new TenderError(result.kind === 'locked' ? 'web_signin_locked' : 'web_signin_failed').toJSON());
        return;
      }
      showForm(req, res, result.kind === 'locked' ? 429 : 401, {
        next,
        email,
        error: result.kind === 'locked' ? 'shell.signin.locked' : 'shell.signin.failed',
      });
      return;
    }
    const created = await startSession(req, res, result.account.id, result.kind === 'signed_in' ? 'full' : 'password');
    clearCookie(req, res, SIGNIN_CSRF_COOKIE, config.publicUrl, state.base);
    res.cookie(sessionCookieName(state.area), created.id, cookieOptions(req, config.publicUrl, state.base));
    res.redirect(303, result.kind === 'signed_in' ? next : `${state.base}/signin/code?next=${encodeURIComponent(next)}`);
  });

  /** The pending (password-only) session behind the cookie, if any. */
  const pending = async (req: Request, res: Response) => {
    const id = readCookie(req, sessionCookieName(shellStateOf(res).area));
    const session = id === undefined ? undefined : await sessions.read(id, realm);
    return session !== undefined && session.stage === 'password' ? session : undefined;
  };

  router.get('/signin/code', async (req, res) => {
    const state = shellStateOf(res);
    if ((await pending(req, res)) === undefined) {
      res.redirect(303, `${state.base}/signin`);
      return;
    }
    webViewsOf(res).render(res, 'shell/signin-code', {
      title: 'shell.signin_code.title',
      next: safeNext(req.query.next, state.base),
      signinCsrf: await pendingCsrf(req, res),
    });
  });

  const pendingCsrf = async (req: Request, res: Response): Promise<string> => (await pending(req, res))?.csrfToken ?? '';

  router.post('/signin/code', async (req, res) => {
    const state = shellStateOf(res);
    const next = safeNext(formField(req, 'next'), state.base);
    const session = await pending(req, res);
    if (session === undefined) {
      res.redirect(303, `${state.base}/signin`);
      return;
    }
    if (!csrfTokenOk(req, session.csrfToken)) {
      webViewsOf(res).render(res, 'shell/csrf', { title: 'shell.csrf.title' }, 403);
      return;
    }
    const account = await accounts.findById(session.accountId);
    if (account === undefined) {
      res.redirect(303, `${state.base}/signin`);
      return;
    }
    const result = await signin.code(account, formField(req, 'code'), req.ip ?? '');
    if (result.kind !== 'signed_in') {
      webViewsOf(res).render(
        res,
        'shell/signin-code',
        {
          title: 'shell.signin_code.title',
          next,
          signinCsrf: session.csrfToken,
          error: result.kind === 'locked' ? 'shell.signin.locked' : 'shell.signin.failed',
        },
        result.kind === 'locked' ? 429 : 401,
      );
      return;
    }
    const promoted = await sessions.promote(session.idHash, session, 'full');
    res.cookie(sessionCookieName(state.area), promoted.id, cookieOptions(req, config.publicUrl, state.base));
    res.redirect(303, next);
  });

  return router;
}

/** Sign-out: this session only (after the shell's CSRF check). */
export function signoutRoutes(container: ServiceResolver): Router {
  const router = Router();
  const config = container.resolve<TenderConfig>(CONFIG);
  const sessions = container.resolve(WebSessionStore);
  router.post('/signout', async (req, res) => {
    const state = shellStateOf(res);
    const principal = res.locals.webPrincipal as { sessionId: string };
    await sessions.destroy(principal.sessionId);
    clearCookie(req, res, sessionCookieName(state.area), config.publicUrl, state.base);
    res.redirect(303, `${state.base}/signin`);
  });
  return router;
}
