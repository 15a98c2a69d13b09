import { Router } from 'express';
import { z } from 'zod';
import { TenderError, callerOf, parseInput, textRule, ServiceResolver } from '@tender/core';
import { SaleorInstallationService } from './saleor-installation.service';
import { saleorApiUrlOf } from './saleor-app.routes';

const declareSchema = z.object({ saleor_api_url: z.string().min(1).max(500).superRefine(textRule('identifier')) }).strict();

/**
 * /v1/saleor/installations (merchant API, secret key): the merchant declares which
 * Saleor store may install the app for its account, lists and removes them.
 */
export function saleorInstallationRoutes(container: ServiceResolver): Router {
  const installations = (): SaleorInstallationService => container.resolve(SaleorInstallationService);
  const router = Router();

  router.post('/saleor/installations', async (req, res) => {
    const input = parseInput(declareSchema, req.body ?? {});
    let url: string;
    try {
      url = saleorApiUrlOf(input.saleor_api_url);
    } catch {
      throw new TenderError('parameter_invalid', { param: 'saleor_api_url', message: "saleor_api_url must be the http(s) URL of the store's GraphQL API." });
    }
    res.status(201).json(await installations().declare(callerOf(res), url));
  });

  router.get('/saleor/installations', async (_req, res) => {
    res.json({ object: 'list', data: await installations().list(callerOf(res)), has_more: false });
  });

  router.delete('/saleor/installations/:id', async (req, res) => {
    const id = String(req.params.id);
    if (!/^sin_[A-Za-z0-9_-]{1,40}$/.test(id)) throw new TenderError('resource_not_found', { message: `No such saleor_installation: '${id.slice(0, 60)}'.` });
    await installations().delete(callerOf(res), id);
    res.json({ id, object: 'saleor_installation', deleted: true });
  });
  return router;
}
