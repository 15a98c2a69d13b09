import { Router } from 'express';
import { z } from 'zod';
import { DependencyContainer } from 'tsyringe';
import { RiskRuleSetService } from '../../monitoring/risk-rule-set.service';
import { fields, parseInput } from '../validation';
import { OPERATOR_ACTOR } from '../../audit/audit-log';

const versionsSchema = z.object({ limit: fields.limit }).strict();

/** /admin/v1/risk/rules: the operator-wide rule set every merchant's set builds on. */
export function adminRiskRoutes(container: DependencyContainer): Router {
  const router = Router();
  const ruleSets = container.resolve(RiskRuleSetService);

  router.get('/risk/rules', async (_req, res) => {
    res.json(await ruleSets.current({ kind: 'operator' }));
  });

  router.put('/risk/rules', async (req, res) => {
    res.json(await ruleSets.replace({ kind: 'operator' }, req.body, OPERATOR_ACTOR));
  });

  router.get('/risk/rules/versions', async (req, res) => {
    const query = parseInput(versionsSchema, req.query);
    res.json({ object: 'list', data: await ruleSets.versions({ kind: 'operator' }, query.limit) });
  });

  return router;
}
