import { Router } from 'express';
import { DependencyContainer } from 'tsyringe';
import { RoutingService, ruleVersionView } from '../../routing/routing.service';
import { routingRuleSetSchema } from '../../routing/routing-rules';
import { ConnectionHealth } from '../../routing/connection-health';
import { parseInput } from '../validation';
import { OPERATOR_ACTOR } from '../../audit/audit-log';
import { RouteExplainer, explainRequestSchema } from '../../routing/route-explainer';
import { RoutingStrategyRegistry } from '../../routing/routing-strategy.registry';

/** /admin/v1/routing: the operator-wide routing rules (versioned), connection health, the strategies and a dry run. */
export function adminRoutingRoutes(container: DependencyContainer): Router {
  const router = Router();
  const routing = container.resolve(RoutingService);
  const health = container.resolve(ConnectionHealth);
  const operator = { kind: 'operator' as const };

  router.get('/routing', async (_req, res) => {
    res.json(ruleVersionView(await routing.current(operator)));
  });

  router.get('/routing/versions', async (_req, res) => {
    res.json({ object: 'list', data: (await routing.versions(operator)).map(ruleVersionView) });
  });

  router.put('/routing', async (req, res) => {
    const set = parseInput(routingRuleSetSchema, req.body);
    res.json(ruleVersionView(await routing.replace(operator, set, OPERATOR_ACTOR)));
  });

  router.get('/routing/health', (_req, res) => {
    res.json({ object: 'list', data: health.known().map((id) => health.view(id)) });
  });

  router.get('/routing/strategies', (_req, res) => {
    res.json({
      object: 'list',
      data: container
        .resolve(RoutingStrategyRegistry)
        .list()
        .map((s) => ({ object: 'routing_strategy', name: s.name, wraps: s.wraps ?? null, active: s.active })),
    });
  });

  // A dry run: nothing is created, no bank is asked, no breaker probe is claimed.
  router.post('/routing/explain', async (req, res) => {
    res.json(await container.resolve(RouteExplainer).explain(parseInput(explainRequestSchema, req.body)));
  });

  return router;
}
