import { Request, Response, Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { AttemptLimiter, CONFIG, PasswordLinkService, TenderConfig, TenderError, WebRealm, normalizeEmail, webViewsOf } from '@tender/core';
import { passwordLinkRequest } from './accounts/signin-limits';
import { formField, issueSigninFormToken, signinFormTokenOk } from './signin-form-token';
import { shellStateOf } from './web-views';

/**
 * Before sign-in: /password/:token (choose a password from an e-mailed or handed-over
 * link) and, in the dashboard, /password-link (ask for such a link). Forms carry the
 * same double-submit token as the sign-in form.
 */
export function passwordLinkRoutes(container: ServiceResolver, realm: WebRealm): Router {
  const router = Router();
  const config = container.resolve<TenderConfig>(CONFIG);
  const links = container.resolve(PasswordLinkService);
  const limiter = container.resolve(AttemptLimiter);

  const formToken = (req: Request, res: Response): string => issueSigninFormToken(req, res, config.publicUrl);

  router.get('/password/:token', async (req, res) => {
    const account = await links.peek(req.params.token);
    if (account === undefined || account.realm !== realm) {
      webViewsOf(res).render(res, 'shell/password-link-invalid', { title: 'shell.password.title' }, 400);
      return;
    }
    webViewsOf(res).render(res, 'shell/password', { title: 'shell.password.title', email: account.email, signinCsrf: formToken(req, res) });
  });

  router.post('/password/:token', async (req, res) => {
    const account = await links.peek(req.params.token);
    if (account === undefined || account.realm !== realm) {
      webViewsOf(res).render(res, 'shell/password-link-invalid', { title: 'shell.password.title' }, 400);
      return;
    }
    if (!signinFormTokenOk(req)) {
      webViewsOf(res).render(res, 'shell/csrf', { title: 'shell.csrf.title' }, 403);
      return;
    }
    const password = formField(req, 'password');
    if (password !== formField(req, 'password_again')) {
      webViewsOf(res).render(
        res,
        'shell/password',
        { title: 'shell.password.title', email: account.email, signinCsrf: formToken(req, res), error: 'shell.password.mismatch' },
        400,
      );
      return;
    }
    try {
      await links.consume(req.params.token, password);
    } catch (error) {
      if (error instanceof TenderError && error.code === 'web_password_weak') {
        webViewsOf(res).render(
          res,
          'shell/password',
          { title: 'shell.password.title', email: account.email, signinCsrf: formToken(req, res), error: 'shell.password.weak' },
          400,
        );
        return;
      }
      throw error;
    }
    res.redirect(303, `${shellStateOf(res).base}/signin?done=password`);
  });

  if (realm !== 'merchant') return router;

  router.get('/password-link', (req, res) => {
    webViewsOf(res).render(res, 'shell/password-request', { title: 'shell.password_request.title', signinCsrf: formToken(req, res) });
  });

  router.post('/password-link', async (req, res) => {
    if (!signinFormTokenOk(req)) {
      webViewsOf(res).render(res, 'shell/csrf', { title: 'shell.csrf.title' }, 403);
      return;
    }
    const email = formField(req, 'email').slice(0, 320);
    // Every request counts (per e-mail and address), so asking for links cannot flood
    // someone's mailbox; the page says the same whether a link went out or not.
    const attempt = await limiter.reserve(passwordLinkRequest(realm, normalizeEmail(email), req.ip));
    if (attempt.allowed && email.includes('@')) await links.request(email, shellStateOf(res).locale);
    webViewsOf(res).render(res, 'shell/password-request', { title: 'shell.password_request.title', sent: true });
  });

  return router;
}
