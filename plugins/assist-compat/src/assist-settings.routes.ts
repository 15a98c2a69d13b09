import { Router } from 'express';
import { TenderError, callerOf, parseInput, parsePathId, ServiceResolver } from '@tender/core';
import { AssistSettingsService, assistSettingsSchema } from './assist-settings.service';

/** PUT/GET /admin/v1/merchants/:id/assist: the operator enables Assist for a merchant. */
export function assistAdminRoutes(container: ServiceResolver): Router {
  const router = Router();
  const settings = (): AssistSettingsService => container.resolve(AssistSettingsService);

  router.put('/merchants/:id/assist', async (req, res) => {
    const id = parsePathId('mer', req.params.id);
    const input = parseInput(assistSettingsSchema, req.body);
    res.json(await settings().put(id, input));
  });

  router.get('/merchants/:id/assist', async (req, res) => {
    res.json(await settings().view(parsePathId('mer', req.params.id)));
  });
  return router;
}

/** GET /v1/assist: the merchant reads its own settings (never the SALT or the password). */
export function assistMerchantRoutes(container: ServiceResolver): Router {
  const router = Router();
  router.get('/assist', async (_req, res) => {
    const caller = callerOf(res);
    const view = await container.resolve(AssistSettingsService).view(caller.merchantId);
    if (view.testmode === caller.livemode) throw new TenderError('resource_not_found', { message: `Assist is set up in ${view.testmode ? 'test' : 'live'} mode; use a ${view.testmode ? 'test' : 'live'} key.` });
    res.json(view);
  });
  return router;
}
