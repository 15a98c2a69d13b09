import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { MerchantService, createMerchantSchema } from '../../merchants/merchant.service';
import { parseInput, parsePathId } from '../validation';

/** /admin/v1/merchants: the operator creates and looks up merchants. */
export function adminMerchantRoutes(container: DependencyContainer): Router {
  const router = Router();
  const merchants = container.resolve(MerchantService);

  router.post('/merchants', async (req, res) => {
    const input = parseInput(createMerchantSchema, req.body);
    res.status(201).json(await merchants.create(input));
  });

  router.get('/merchants/:id', async (req, res) => {
    const id = parsePathId('mer', req.params.id);
    res.json(await merchants.retrieve(id));
  });

  return router;
}
