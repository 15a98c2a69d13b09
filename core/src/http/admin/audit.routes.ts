import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { DATABASE, Database } from '../../db/database';
import { TenderError } from '../../errors/tender-error';
import { AuditLog } from '../../audit/audit-log';
import { fields, parseInput } from '../validation';

const listSchema = z.object({ merchant_id: fields.id('mer').optional(), limit: fields.limit, starting_after: fields.id('aud').optional() }).strict();

/** /admin/v1/audit: every operator action, newest first. */
export function adminAuditRoutes(container: DependencyContainer): Router {
  const router = Router();
  const db = container.resolve<Database>(DATABASE);
  const audit = container.resolve(AuditLog);
  router.get('/audit', async (req, res) => {
    const q = parseInput(listSchema, req.query);
    const page = await audit.list(db, { merchantId: q.merchant_id, limit: q.limit, startingAfter: q.starting_after });
    if (page === undefined) throw new TenderError('parameter_invalid', { param: 'starting_after', message: 'starting_after names no audit entry.' });
    res.json({ object: 'list', data: page.entries, has_more: page.hasMore });
  });
  return router;
}
