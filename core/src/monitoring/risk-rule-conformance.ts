import { RiskRule } from './risk-rule';
import { checkRiskRule } from '../testing/risk-rule.suite';

/**
 * The problems the RiskRule conformance suite finds (empty when the rule conforms).
 * Kept for plugins written before `@tender/core/testing`; new tests use
 * `checkRiskRule` and `assertConforms` from there.
 *
 * @example
 * ```ts
 * it('conforms', async () => assert.deepEqual(await riskRuleProblems(new NightOwlRule()), []));
 * ```
 */
export async function riskRuleProblems(rule: RiskRule): Promise<string[]> {
  return [...(await checkRiskRule({ rule })).problems];
}
