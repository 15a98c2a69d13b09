import { DependencyContainer } from 'tsyringe';
import { RISK_RULE, RiskRule } from '../risk-rule';
import { DeclinesRule } from './declines.rule';
import { VelocityRule } from './velocity.rule';
import { CardTestingRule } from './card-testing.rule';
import { AmountRule } from './amount.rule';
import { ListsRule } from './lists.rule';
import { BinCountryRule } from './bin-country.rule';

/** Registers the rules every install has; plugins register theirs under the same token. */
export function registerBuiltInRiskRules(container: DependencyContainer): void {
  const rules: RiskRule[] = [new ListsRule(), new DeclinesRule(), new VelocityRule(), new CardTestingRule(), new AmountRule(), new BinCountryRule()];
  for (const rule of rules) container.register<RiskRule>(RISK_RULE, { useValue: rule });
}
