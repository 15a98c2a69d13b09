import { Database } from '../db/database';
import { RuleSource } from './route-planner';
import { RoutingRuleRepository } from './routing-rule.repository';
import { RoutingRuleSources } from './rule-routing-strategy';

/**
 * The rules strategy's rules as stored: the merchant's current version for its mode,
 * then the operator's current version.
 *
 * @example
 * ```ts
 * new RuleRoutingStrategy(new StoredRoutingRules(db, new RoutingRuleRepository()));
 * ```
 */
export class StoredRoutingRules implements RoutingRuleSources {
  constructor(
    private readonly db: Database,
    private readonly rules: RoutingRuleRepository,
  ) {}

  async rulesFor(merchant: { readonly id: string; readonly livemode: boolean }): Promise<readonly RuleSource[]> {
    const [mine, operator] = await Promise.all([
      this.rules.current(this.db, { kind: 'merchant', merchantId: merchant.id, livemode: merchant.livemode }),
      this.rules.current(this.db, { kind: 'operator' }),
    ]);
    return [
      { label: 'merchant', version: mine },
      { label: 'operator', version: operator },
    ];
  }
}
