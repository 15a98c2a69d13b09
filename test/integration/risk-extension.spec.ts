import assert from 'node:assert/strict';
import { z } from 'zod';
import { FixedClock, RiskInput, RiskRule, RiskSignal, riskRuleProblems, definePlugin } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { RiskRuleRegistry } from '@tender/core/dist/monitoring/risk-rule.registry';
import { startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { payAs, putMerchantRules } from '../support/risk-helpers';

/** The example from docs/risk.md, registered by a plugin. */
interface NightSettings {
  score: number;
  from_hour: number;
  to_hour: number;
}

class NightOwlRule implements RiskRule<NightSettings> {
  readonly code = 'night_owl';
  readonly defaults = { score: 20, from_hour: 1, to_hour: 5 };
  readonly settingsSchema = z
    .object({ score: z.number().int(), from_hour: z.number().int().min(0).max(23), to_hour: z.number().int().min(0).max(23) })
    .partial()
    .strict();

  async evaluate(input: RiskInput, s: NightSettings): Promise<RiskSignal | undefined> {
    const hour = new Date(input.now).getUTCHours();
    return hour >= s.from_hour && hour < s.to_hour ? { score: s.score, reason: `attempt at ${hour}h UTC` } : undefined;
  }
}

const nightOwlPlugin = definePlugin({
  name: '@acme/tender-night-owl',
  version: '1.0.0',
  coreRange: '*',
  setup(ctx) {
    ctx.registerRiskRule(new NightOwlRule());
  },
});

describe('transaction monitoring: a RiskRule from a plugin', function () {
  it('is configured through the API like a built-in and decides with the others', async () => {
    const clock = new FixedClock(Date.parse('2026-03-01T03:00:00Z'));
    const t = await startTestGateway({ clock, plugins: [sandboxPlugin, nightOwlPlugin] });
    try {
      const shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
      assert.equal((await payAs(shop, CARDS.visa, {})).risk.reasons[0]?.reason, 'attempt at 3h UTC');
      const set = (await putMerchantRules(t.gateway.app, shop, { rules: { night_owl: { score: 100 } } }).expect(200)).body;
      assert.equal(set.effective.rules.night_owl.score, 100);
      assert.equal((await payAs(shop, CARDS.visa, {})).failure_code, 'fraud_suspected');
      clock.advance(3 * 3600_000);
      assert.equal((await payAs(shop, CARDS.visa, {})).status, 'captured');
      assert.equal(
        (await putMerchantRules(t.gateway.app, shop, { rules: { night_owl: { from_hour: 24 } } }).expect(400)).body.error.param,
        'rules.night_owl.from_hour',
      );
    } finally {
      await t.close();
    }
  });

  it('passes the conformance checks every rule passes', async () => {
    assert.deepEqual(await riskRuleProblems(new NightOwlRule()), []);
  });

  it('two rules with one code are refused when the registry is built (at start-up)', () => {
    assert.throws(() => new RiskRuleRegistry([new NightOwlRule(), new NightOwlRule()]), /two risk rules share the code 'night_owl'/);
  });
});
