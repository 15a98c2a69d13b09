import { IdempotencyService, PluginContext, callerOf, parseInput, parsePathId, sendIdempotent } from '@tender/core';
import { Router } from 'express';
import { createSetupAttemptSchema } from './setup-attempt-input';
import { SetupAttemptService } from './setup-attempt.service';

/** /v1/setup_attempts (merchant API): save a card without charging it. */
export function setupAttemptRoutes(ctx: PluginContext, setups: SetupAttemptService): Router {
  const router = Router();
  const idempotency = ctx.resolve(IdempotencyService);
  router.post('/setup_attempts', async (req, res) => {
    const caller = callerOf(res);
    const input = parseInput(createSetupAttemptSchema, req.body ?? {});
    await sendIdempotent(idempotency, req, res, caller, async () => ({ status: 201, body: await setups.create(caller, input) }));
  });
  router.get('/setup_attempts/:id', async (req, res) => {
    res.json(await setups.retrieve(callerOf(res), parsePathId('seti', req.params.id)));
  });
  return router;
}
