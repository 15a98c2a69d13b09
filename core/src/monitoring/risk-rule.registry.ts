import { injectAll, injectable } from 'tsyringe';
import { RISK_RULE, RiskRule } from './risk-rule';

/**
 * Every registered RiskRule by its unique code. Built at start-up, so two rules
 * with one code stop the gateway instead of confusing the first payment.
 */
@injectable()
export class RiskRuleRegistry {
  private readonly byCode = new Map<string, RiskRule>();

  constructor(@injectAll(RISK_RULE, { isOptional: true }) rules: RiskRule[] = []) {
    for (const rule of rules) {
      if (this.byCode.has(rule.code)) throw new Error(`two risk rules share the code '${rule.code}'`);
      this.byCode.set(rule.code, rule);
    }
  }

  get(code: string): RiskRule | undefined {
    return this.byCode.get(code);
  }

  all(): RiskRule[] {
    return [...this.byCode.values()];
  }
}
