import assert from 'node:assert/strict';
import { container } from 'tsyringe';
import { RISK_RULE, RiskRule, riskRuleProblems } from '@tender/core';
import { registerBuiltInRiskRules } from '@tender/core/dist/monitoring/rules/built-in-rules';

describe('RiskRule conformance (no database)', () => {
  const scope = container.createChildContainer();
  registerBuiltInRiskRules(scope);
  const rules = scope.resolveAll<RiskRule>(RISK_RULE);

  it('registers the six built-in rules', () => {
    assert.deepEqual(rules.map((r) => r.code).sort(), ['amount', 'bin_country', 'card_testing', 'declines', 'lists', 'velocity']);
  });

  for (const rule of rules) {
    it(`${rule.code} passes the conformance checks`, async () => {
      assert.deepEqual(await riskRuleProblems(rule), []);
    });
  }

  it('finds the problems of a rule that does not conform', async () => {
    const bad = {
      code: 'Bad Rule',
      defaults: {},
      settingsSchema: { safeParse: () => ({ success: true }) },
      evaluate: async () => ({ score: 1.5, reason: '' }),
    } as unknown as RiskRule;
    const problems = await riskRuleProblems(bad);
    assert.ok(problems.some((p) => p.includes('snake_case')));
    assert.ok(problems.some((p) => p.includes('unknown fields')));
    assert.ok(problems.some((p) => p.includes('not an integer')));
    assert.ok(problems.some((p) => p.includes('needs a reason')));
  });
});
