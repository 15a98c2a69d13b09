import { Request, Response, Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { AttemptLimiter, TenderError, WebAccountService, WebSessionStore, passwordSchema, principalOf, webViewsOf } from '@tender/core';
import { TotpService } from './accounts/totp.service';
import { codeAttempt, passwordAttempt } from './accounts/signin-limits';
import { shellStateOf } from './web-views';

/**
 * /security in both areas: the password (change it with the current one; other
 * sessions end), the TOTP second factor (enrol with a QR code and a confirmation code,
 * turn off with a current code) and sign-out everywhere (every other session of this
 * account ends; this one stays). Guessing the current password or a code from an open
 * session is limited like guessing it at sign-in (the same counters).
 */
export function securityRoutes(container: ServiceResolver): Router {
  const router = Router();
  const totp = container.resolve(TotpService);
  const accounts = container.resolve(WebAccountService);
  const sessions = container.resolve(WebSessionStore);
  const limiter = container.resolve(AttemptLimiter);

  const show = async (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}): Promise<void> => {
    const principal = principalOf(res);
    const account = await accounts.findById(principal.accountId);
    const enrolment = account === undefined || account.totpEnabled ? undefined : await totp.pendingEnrolment(principal.accountId, principal.email);
    webViewsOf(res).render(
      res,
      'shell/security',
      {
        title: 'shell.security.title',
        totpEnabled: account?.totpEnabled === true,
        enrolment,
        qrSvg: enrolment?.qrSvg,
        otherSessions: Math.max(0, (await sessions.countFor(principal.accountId)) - 1),
        done: typeof req.query.done === 'string' ? `shell.security.done_${req.query.done.replace(/[^a-z_]/g, '')}` : undefined,
        ...extra,
      },
      status,
    );
  };
  const code = (req: Request): string => {
    const v = (req.body as Record<string, unknown> | undefined)?.code;
    return typeof v === 'string' ? v : '';
  };

  router.get('/security', (req, res) => show(req, res, 200));

  router.post('/security/totp', async (_req, res) => {
    const principal = principalOf(res);
    if ((await totp.pendingEnrolment(principal.accountId, principal.email)) === undefined) await totp.startEnrolment(principal.accountId, principal.email);
    res.redirect(303, `${shellStateOf(res).base}/security`);
  });

  router.post('/security/totp/confirm', async (req, res) => {
    try {
      await totp.confirmEnrolment(principalOf(res).accountId, code(req));
    } catch (error) {
      if (error instanceof TenderError && error.code === 'web_totp_invalid') return show(req, res, 400, { error: 'shell.security.code_wrong' });
      throw error;
    }
    res.redirect(303, `${shellStateOf(res).base}/security?done=totp_on`);
  });

  router.post('/security/totp/disable', async (req, res) => {
    const principal = principalOf(res);
    const attempt = await limiter.reserve(codeAttempt(principal.accountId, req.ip));
    if (!attempt.allowed) return show(req, res, 429, { error: 'shell.signin.locked' });
    try {
      await totp.disable(principal.accountId, code(req));
    } catch (error) {
      if (error instanceof TenderError && error.code === 'web_totp_invalid') return show(req, res, 400, { error: 'shell.security.code_wrong' });
      throw error;
    }
    await limiter.succeeded(attempt.ticket);
    res.redirect(303, `${shellStateOf(res).base}/security?done=totp_off`);
  });

  router.post('/security/password', async (req, res) => {
    const principal = principalOf(res);
    const body = req.body as Record<string, unknown>;
    const text = (name: string): string => (typeof body[name] === 'string' ? body[name] : '');
    if (text('new_password') !== text('new_password_again')) return show(req, res, 400, { error: 'shell.password.mismatch' });
    // A weak new password is refused before the current one is checked, so it costs no attempt.
    if (!passwordSchema.safeParse(text('new_password')).success) return show(req, res, 400, { error: 'shell.password.weak' });
    const attempt = await limiter.reserve(passwordAttempt(principal.realm, principal.email, req.ip));
    if (!attempt.allowed) return show(req, res, 429, { error: 'shell.signin.locked' });
    if (!(await accounts.changePassword(principal.accountId, text('current_password'), text('new_password'), principal.sessionId))) {
      return show(req, res, 400, { error: 'shell.security.current_wrong' });
    }
    await limiter.succeeded(attempt.ticket);
    res.redirect(303, `${shellStateOf(res).base}/security?done=password`);
  });

  router.post('/security/signout-everywhere', async (_req, res) => {
    const principal = principalOf(res);
    await sessions.destroyAllFor(principal.accountId, principal.sessionId);
    res.redirect(303, `${shellStateOf(res).base}/security?done=signed_out`);
  });

  return router;
}
