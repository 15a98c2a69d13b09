import { Response, Router } from 'express';
import { TenderError, callerOf, parseInput, parsePathId, ServiceResolver } from '@tender/core';
import { AssistSettingsService, AssistSettingsView, assistSettingsSchema } from './assist-settings.service';
import { assistLimitsSchema } from './assist-merchant-limits';

/** What a merchant may change itself: where its buyers are sent back to. Its currencies are the operator's decision. */
const merchantLimitsSchema = assistLimitsSchema.pick({ return_url_hosts: true }).strict();

/** PUT/GET /admin/v1/merchants/:id/assist: the operator enables Assist for a merchant. */
export function assistAdminRoutes(container: ServiceResolver): Router {
  const router = Router();
  const settings = (): AssistSettingsService => container.resolve(AssistSettingsService);

  router.put('/merchants/:id/assist', async (req, res) => {
    const id = parsePathId('mer', req.params.id);
    const input = parseInput(assistSettingsSchema, req.body);
    res.json(await settings().put(id, input));
  });

  /** Only the currencies and return URL hosts; secrets are not needed to change them. */
  router.patch('/merchants/:id/assist', async (req, res) => {
    const id = parsePathId('mer', req.params.id);
    const input = parseInput(assistLimitsSchema, req.body);
    res.json(await settings().updateLimits(id, input));
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
    res.json(await ownSettings(container, res));
  });

  /** PATCH /v1/assist: the merchant lists the hosts of its own return URLs. */
  router.patch('/assist', async (req, res) => {
    const caller = callerOf(res);
    const input = parseInput(merchantLimitsSchema, req.body);
    await ownSettings(container, res);
    res.json(await container.resolve(AssistSettingsService).updateLimits(caller.merchantId, input));
  });
  return router;
}

/** The caller's own settings, in the mode of the key it uses (a key of the other mode sees none). */
async function ownSettings(container: ServiceResolver, res: Response): Promise<AssistSettingsView> {
  const caller = callerOf(res);
  const view = await container.resolve(AssistSettingsService).view(caller.merchantId);
  if (view.testmode === caller.livemode)
    throw new TenderError('resource_not_found', {
      message: `Assist is set up in ${view.testmode ? 'test' : 'live'} mode; use a ${view.testmode ? 'test' : 'live'} key.`,
    });
  return view;
}
