import { Request, Response, Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { z } from 'zod';
import {
  PasswordLinkService,
  TenderError,
  WebAccountService,
  emailSchema,
  merchantUserRoleSchema,
  principalOf,
  requireWebRole,
  webViewsOf,
} from '@tender/core';
import { shellStateOf } from './web-views';

const addSchema = z.object({ email: emailSchema, role: merchantUserRoleSchema }).passthrough();
const roleSchema = z.object({ role: merchantUserRoleSchema }).passthrough();

/**
 * /dashboard/team, owners only (checked here, whatever the navigation shows): the
 * merchant's users with their roles; add one (an e-mail with a set-password link
 * goes out), change a role, remove one. The last owner cannot be removed or demoted.
 */
export function teamRoutes(container: ServiceResolver): Router {
  const router = Router();
  const accounts = container.resolve(WebAccountService);
  const links = container.resolve(PasswordLinkService);
  const ownerOnly = requireWebRole('owner');

  const show = async (_req: Request, res: Response, status: number, extra: Record<string, unknown> = {}): Promise<void> => {
    const principal = principalOf(res);
    const team = await accounts.team(principal.merchantId ?? '');
    webViewsOf(res).render(
      res,
      'shell/team',
      {
        title: 'shell.team.title',
        team: team.map((a) => ({ id: a.id, email: a.email, role: a.role, you: a.id === principal.accountId, invited: !a.hasPassword, totp: a.totpEnabled })),
        roles: ['owner', 'developer', 'support'],
        ...extra,
      },
      status,
    );
  };

  router.get('/team', ownerOnly, (req, res) => show(req, res, 200, { done: typeof req.query.done === 'string' ? req.query.done : undefined }));

  router.post('/team', ownerOnly, async (req, res) => {
    const principal = principalOf(res);
    const parsed = addSchema.safeParse(req.body);
    if (!parsed.success) return show(req, res, 400, { error: 'shell.team.invalid' });
    try {
      const account = await accounts.createMerchantUser({ merchantId: principal.merchantId ?? '', email: parsed.data.email, role: parsed.data.role });
      await links.sendInvitation(account, principal.locale);
    } catch (error) {
      if (error instanceof TenderError && error.code === 'web_account_exists') return show(req, res, 409, { error: 'shell.team.exists' });
      throw error;
    }
    res.redirect(303, `${shellStateOf(res).base}/team?done=added`);
  });

  router.post('/team/:id/role', ownerOnly, async (req, res) => {
    const parsed = roleSchema.safeParse(req.body);
    if (!parsed.success) return show(req, res, 400, { error: 'shell.team.invalid' });
    try {
      await accounts.changeRole(principalOf(res).merchantId ?? '', String(req.params.id), parsed.data.role);
    } catch (error) {
      if (error instanceof TenderError && error.code === 'web_last_owner') return show(req, res, 409, { error: 'shell.team.last_owner' });
      throw error;
    }
    res.redirect(303, `${shellStateOf(res).base}/team?done=changed`);
  });

  router.post('/team/:id/remove', ownerOnly, async (req, res) => {
    try {
      await accounts.removeMerchantUser(principalOf(res).merchantId ?? '', String(req.params.id));
    } catch (error) {
      if (error instanceof TenderError && error.code === 'web_last_owner') return show(req, res, 409, { error: 'shell.team.last_owner' });
      throw error;
    }
    res.redirect(303, `${shellStateOf(res).base}/team?done=removed`);
  });

  return router;
}
