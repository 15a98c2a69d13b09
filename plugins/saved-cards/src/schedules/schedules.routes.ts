import { IdempotencyService, PluginContext, callerOf, parseInput, parsePathId, sendIdempotent } from '@tender/core';
import { Router } from 'express';
import { cancelScheduleSchema, createScheduleSchema, listChargesSchema, listSchedulesSchema } from './schedule-input';
import { ScheduleService } from './schedule.service';

/**
 * /v1/schedules (merchant API): create, list, retrieve, the charge history, cancel.
 * Every handler is scoped by the caller's merchant and mode; another merchant's
 * schedule is a 404. POSTs honour Idempotency-Key.
 *
 * @example
 * ```ts
 * ctx.registerApiRoutes('/', routerOnFirstRequest(() => scheduleRoutes(ctx, schedules)));
 * ```
 */
export function scheduleRoutes(ctx: PluginContext, schedules: ScheduleService): Router {
  const router = Router();
  const idempotency = ctx.resolve(IdempotencyService);

  router.post('/schedules', async (req, res) => {
    const caller = callerOf(res);
    const input = parseInput(createScheduleSchema, req.body ?? {});
    await sendIdempotent(idempotency, req, res, caller, async () => ({ status: 201, body: await schedules.create(caller, input) }));
  });

  router.get('/schedules', async (req, res) => {
    res.json(await schedules.list(callerOf(res), parseInput(listSchedulesSchema, req.query)));
  });

  router.get('/schedules/:id', async (req, res) => {
    res.json(await schedules.retrieve(callerOf(res), parsePathId('sch', req.params.id)));
  });

  router.get('/schedules/:id/charges', async (req, res) => {
    res.json(await schedules.charges(callerOf(res), parsePathId('sch', req.params.id), parseInput(listChargesSchema, req.query)));
  });

  router.post('/schedules/:id/cancel', async (req, res) => {
    const caller = callerOf(res);
    const id = parsePathId('sch', req.params.id);
    parseInput(cancelScheduleSchema, req.body ?? {});
    await sendIdempotent(idempotency, req, res, caller, async () => ({ status: 200, body: await schedules.cancel(caller, id) }));
  });

  return router;
}
