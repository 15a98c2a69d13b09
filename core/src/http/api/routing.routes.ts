import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { RoutingService, ruleVersionView } from '../../routing/routing.service';
import { routingRuleSetSchema } from '../../routing/routing-rules';
import { attemptView } from '../../routing/payment-attempt.repository';
import { fields, parseInput } from '../validation';
import { callerOf } from '../middleware/merchant-auth';

/** /v1/routing (the merchant's own rule overrides, per mode) and /v1/payments/:id/attempts. */
export function merchantRoutingRoutes(container: DependencyContainer): Router {
  const router = Router();
  const routing = container.resolve(RoutingService);
  const scopeOf = (ctx: { merchantId: string; livemode: boolean }) => ({ kind: 'merchant' as const, merchantId: ctx.merchantId, livemode: ctx.livemode });

  router.get('/routing', async (_req, res) => {
    res.json(ruleVersionView(await routing.current(scopeOf(callerOf(res)))));
  });

  router.get('/routing/versions', async (_req, res) => {
    res.json({ object: 'list', data: (await routing.versions(scopeOf(callerOf(res)))).map(ruleVersionView) });
  });

  router.put('/routing', async (req, res) => {
    const set = parseInput(routingRuleSetSchema, req.body);
    res.json(ruleVersionView(await routing.replace(scopeOf(callerOf(res)), set)));
  });

  router.get('/payments/:id/attempts', async (req, res) => {
    const id = parseInput(fields.id('pay'), req.params.id);
    res.json({ object: 'list', data: (await routing.attemptsOf(callerOf(res), id)).map(attemptView) });
  });

  return router;
}
