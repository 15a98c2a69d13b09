import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { AuditLog, OPERATOR_ACTOR } from '../audit/audit-log';
import { DATABASE, Database } from '../db/database';
import { notFound } from '../errors/tender-error';
import { parseInput, parsePathId } from '../http/validation';
import { PasswordLinkService, PASSWORD_LINK_TTL } from './accounts/password-link.service';
import { WebAccountService, merchantUserRoleSchema } from './accounts/web-account.service';
import { WebAccount } from './accounts/web-account';

const operatorSchema = z.object({ email: z.string().max(320), password: z.string().max(200).optional() }).strict();
const userSchema = z.object({ email: z.string().max(320), role: merchantUserRoleSchema.default('owner') }).strict();

function accountView(a: WebAccount, setPasswordUrl?: string) {
  return {
    id: a.id,
    object: a.realm === 'operator' ? 'operator_account' : 'merchant_user',
    email: a.email,
    role: a.role,
    merchant_id: a.merchantId ?? null,
    has_password: a.hasPassword,
    totp_enabled: a.totpEnabled,
    created_at: new Date(a.createdAt).toISOString(),
    ...(setPasswordUrl === undefined ? {} : { set_password_url: setPasswordUrl }),
  };
}

/**
 * The operator API for web accounts: console operators (POST/GET /admin/v1/operators)
 * and a merchant's dashboard users (POST/GET /admin/v1/merchants/:id/users). An
 * account made without a password comes with a one-time set_password_url (shown
 * once); a merchant user is also e-mailed the invitation.
 */
export function adminWebAccountRoutes(container: DependencyContainer): Router {
  const router = Router();
  const accounts = container.resolve(WebAccountService);
  const links = container.resolve(PasswordLinkService);
  const audit = container.resolve(AuditLog);
  const db = container.resolve<Database>(DATABASE);

  router.post('/operators', async (req, res) => {
    const input = parseInput(operatorSchema, req.body);
    const account = await accounts.createOperator({ email: input.email, ...(input.password === undefined ? {} : { password: input.password }) });
    await audit.record(db, {
      actor: OPERATOR_ACTOR,
      action: 'operator_account.create',
      merchantId: undefined,
      objectType: 'web_account',
      objectId: account.id,
      data: { email: account.email },
    });
    const url = input.password === undefined ? links.urlFor(account, await links.create(account.id, PASSWORD_LINK_TTL.invitationMs)) : undefined;
    res.status(201).json(accountView(account, url));
  });

  router.get('/operators', async (_req, res) => {
    const rows = (await db('web_accounts').where({ realm: 'operator' }).orderBy('created_at').limit(200).select('id')) as Array<{ id: string }>;
    const list = (await Promise.all(rows.map((r) => accounts.findById(r.id)))).filter((a): a is WebAccount => a !== undefined);
    res.json({ object: 'list', data: list.map((a) => accountView(a)), has_more: false });
  });

  router.post('/merchants/:id/users', async (req, res) => {
    const merchantId = parsePathId('mer', req.params.id);
    const input = parseInput(userSchema, req.body);
    if ((await db('merchants').where({ id: merchantId }).first('id')) === undefined) throw notFound('merchant', merchantId);
    const account = await accounts.createMerchantUser({ merchantId, email: input.email, role: input.role });
    await audit.record(db, {
      actor: OPERATOR_ACTOR,
      action: 'merchant_user.create',
      merchantId,
      objectType: 'web_account',
      objectId: account.id,
      data: { email: account.email, role: input.role },
    });
    res.status(201).json(accountView(account, await links.sendInvitation(account, 'en')));
  });

  router.get('/merchants/:id/users', async (req, res) => {
    const merchantId = parsePathId('mer', req.params.id);
    if ((await db('merchants').where({ id: merchantId }).first('id')) === undefined) throw notFound('merchant', merchantId);
    res.json({ object: 'list', data: (await accounts.team(merchantId)).map((a) => accountView(a)), has_more: false });
  });

  return router;
}
