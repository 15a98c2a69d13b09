import { DependencyContainer, instanceCachingFactory } from 'tsyringe';
import { TenderConfig } from '../config/config';
import { CONFIG } from '../config/tokens';
import { DATABASE, Database } from '../db/database';
import { RoutingRuleRepository } from './routing-rule.repository';
import { RuleRoutingStrategy } from './rule-routing-strategy';
import { ROUTING_STRATEGY, RoutingStrategyRegistration } from './routing-strategy';
import { RoutingStrategyRegistry } from './routing-strategy.registry';
import { StoredRoutingRules } from './stored-routing-rules';

/**
 * Registers the default routing strategy (`rules`) and the strategy registry. Call
 * before plugins register: their strategies join through ROUTING_STRATEGY, and the
 * registry is built once, when first resolved (the gateway resolves it at start,
 * so a bad TENDER_ROUTING_STRATEGY stops the start).
 *
 * @example
 * ```ts
 * registerRouting(container);
 * ```
 */
export function registerRouting(container: DependencyContainer): void {
  container.register<RoutingStrategyRegistration>(ROUTING_STRATEGY, {
    useFactory: (c) => new RuleRoutingStrategy(new StoredRoutingRules(c.resolve<Database>(DATABASE), c.resolve(RoutingRuleRepository))),
  });
  container.register(RoutingStrategyRegistry, {
    useFactory: instanceCachingFactory(
      (c) => new RoutingStrategyRegistry(c.resolveAll<RoutingStrategyRegistration>(ROUTING_STRATEGY), c.resolve<TenderConfig>(CONFIG).routingStrategy),
    ),
  });
}
