import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { DATABASE, Database } from '../../db/database';
import { TenderError } from '../../errors/tender-error';
import { ApiKeyManagementService } from '../../merchants/api-key-management.service';
import { MerchantRepository } from '../../merchants/merchant.repository';
import { MerchantContext } from '../../merchants/merchant-context';
import { callerOf } from '../middleware/merchant-auth';
import { fields, parseInput, textRule } from '../validation';

export const createKeySchema = z
  .object({
    kind: z.enum(['secret', 'publishable']).default('secret'),
    label: z.string().trim().min(1).max(100).superRefine(textRule('line')).optional(),
    /** Omitted: the caller's mode. `true` from a test key claims the first live keys. */
    livemode: z.boolean().optional(),
  })
  .strict();

export const rollSchema = z.object({ expires_in_hours: z.number().int().min(0).max(168).default(24) }).strict();

/**
 * /v1/api_keys: the merchant's keys in the caller's mode. Responses that create a
 * key carry it once (`secret`); it is stored only as a hash, and these responses
 * are deliberately not kept for Idempotency-Key replays.
 */
export function apiKeyRoutes(container: DependencyContainer): Router {
  const router = Router();
  const keys = container.resolve(ApiKeyManagementService);
  const merchants = container.resolve(MerchantRepository);
  const db = container.resolve<Database>(DATABASE);
  const keyId = fields.id('key');

  router.post('/api_keys', async (req, res) => {
    const who = callerOf(res);
    const input = parseInput(createKeySchema, req.body ?? {});
    const target: MerchantContext = { merchantId: who.merchantId, livemode: input.livemode ?? who.livemode };
    if (target.livemode && !who.livemode) {
      // The only way into live mode: once live, a test key may claim the first live
      // keys; after that, live keys are managed with a live key.
      const merchant = await merchants.find(db, who.merchantId);
      if (merchant?.liveAt === undefined)
        throw new TenderError('merchant_invalid_stage', { param: 'livemode', message: 'Live keys exist once the operator has switched you to production.' });
      if (await keys.hasActiveSecretKey(target))
        throw new TenderError('api_key_wrong_kind', { param: 'livemode', message: 'Live keys already exist; create more with a live secret key.' });
    }
    res.status(201).json(await keys.create(target, { kind: input.kind, label: input.label }));
  });

  router.get('/api_keys', async (_req, res) => {
    res.json({ object: 'list', data: await keys.list(callerOf(res)), has_more: false });
  });

  router.delete('/api_keys/:id', async (req, res) => {
    res.json(await keys.revoke(callerOf(res), parseInput(keyId, req.params.id)));
  });

  router.post('/api_keys/:id/roll', async (req, res) => {
    const id = parseInput(keyId, req.params.id);
    const input = parseInput(rollSchema, req.body ?? {});
    res.status(201).json(await keys.roll(callerOf(res), id, input.expires_in_hours * 3600_000));
  });

  return router;
}
