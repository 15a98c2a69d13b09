import { Router } from 'express';
import { TenderError, parseInput } from '@tender/core';
import { NumberingPlan } from '../numbering/numbering-plan';
import { NumberingPlanFile } from '../numbering/numbering-plan-file';
import { TopUpSettingsStore } from '../settings/top-up-settings.store';
import { topUpSettingsSchema } from '../settings/top-up-settings';

const planView = (plan: NumberingPlan): Record<string, unknown> => ({
  object: 'numbering_plan',
  ranges: plan.size,
  source: plan.source.source,
  date: plan.source.date,
  note: plan.source.note ?? null,
});

/**
 * The operator's endpoints under `/admin/v1/top-up` (operator token): the settings
 * (merchant, operators' fees and limits, daily limits) and the numbering plan.
 */
export function topUpAdminRoutes(settings: TopUpSettingsStore, plan: NumberingPlanFile): Router {
  const router = Router();
  router.get('/settings', async (_req, res) => {
    res.json({ object: 'top_up_settings', settings: (await settings.read()) ?? null });
  });
  router.put('/settings', async (req, res) => {
    const parsed = parseInput(topUpSettingsSchema, req.body);
    await settings.save(parsed);
    res.json({ object: 'top_up_settings', settings: parsed });
  });
  router.get('/numbering-plan', async (_req, res) => {
    res.json(planView(await plan.plan()));
  });
  /** Reads the plan file again (after the operator replaced it); a file that does not parse leaves the old plan in use. */
  router.post('/numbering-plan/reload', async (_req, res) => {
    try {
      res.json(planView(await plan.reload()));
    } catch (error) {
      throw new TenderError('parameter_invalid', {
        message: `The numbering plan was not reloaded (the old one stays in use): ${error instanceof Error ? error.message.slice(0, 300) : 'unreadable'}`,
      });
    }
  });
  return router;
}
