import assert from 'node:assert/strict';
import { RoutingRuleSet, routingRuleSetSchema } from '@tender/core/dist/routing/routing-rules';
import { RuleRoutingStrategy } from '@tender/core/dist/routing/rule-routing-strategy';
import { RoutingStrategyError, RoutingStrategyRegistry } from '@tender/core/dist/routing/routing-strategy.registry';
import { RoutingStrategy, RoutingStrategyWrapper, assertConforms, checkRoutingStrategy } from '@tender/core/testing';

const rulesStrategy = (rules: RoutingRuleSet['rules']): RuleRoutingStrategy =>
  new RuleRoutingStrategy({
    rulesFor: async () => [{ label: 'operator', version: { version: 1, rules: routingRuleSetSchema.parse({ rules }).rules, createdAt: 0 } }],
  });

/** Deliberately lazy: the merchant's active connections in the order given; health, adapter, capability and currency unread; every skip called 'disabled'. */
const lazy: RoutingStrategy = {
  name: 'lazy',
  async route(input) {
    const mine = input.connections.filter((c) => c.merchantId === input.merchant.id && c.livemode === input.merchant.livemode && c.status === 'active');
    return {
      candidates: mine.map((c) => ({ connectionId: c.id, reason: 'active' })),
      skipped: input.connections
        .filter((c) => !mine.includes(c))
        .map((c) => ({ connectionId: c.id, kind: 'disabled' as const, reason: 'not mine or disabled' })),
    };
  },
};

/** Deliberately careless: every connection it is given, whoever's they are. */
const careless: RoutingStrategy = {
  name: 'careless',
  route: async (input) => ({ candidates: input.connections.map((c) => ({ connectionId: c.id, reason: 'it was there' })), skipped: [] }),
};

/** Deliberately lazy in another way: usable connections only, but the order flips on every call, and left-out ones go unmentioned. */
let flips = 0;
const flipFlop: RoutingStrategy = {
  name: 'flip-flop',
  async route(input) {
    const usable = input.connections.filter(
      (c) =>
        c.merchantId === input.merchant.id &&
        c.livemode === input.merchant.livemode &&
        c.status === 'active' &&
        c.health.state !== 'open' &&
        c.adapterInstalled &&
        c.capabilities.includes(input.method.capability) &&
        c.currencies.includes(input.payment.currency),
    );
    const ordered = flips++ % 2 === 0 ? usable : [...usable].reverse();
    return { candidates: ordered.map((c) => ({ connectionId: c.id, reason: 'drawn' })), skipped: [] };
  },
};

describe('RoutingStrategy conformance (no database)', () => {
  it('the default rules strategy conforms without rules, with a weighted split and with a rule naming no bank it has', async () => {
    assertConforms(await checkRoutingStrategy({ strategy: rulesStrategy([]) }));
    assertConforms(
      await checkRoutingStrategy({
        strategy: rulesStrategy([
          {
            id: 'split',
            priority: 1,
            match: { currencies: ['RUB'] },
            targets: [
              { bank: 'healthy', weight: 70 },
              { bank: 'probing', weight: 30 },
            ],
          },
        ]),
      }),
    );
    assertConforms(
      await checkRoutingStrategy({ strategy: rulesStrategy([{ id: 'elsewhere', priority: 1, match: {}, targets: [{ bank: 'nowhere', weight: 1 }] }]) }),
    );
  });

  it('rejects a strategy that ignores health, and names what is wrong', async () => {
    const report = await checkRoutingStrategy({ strategy: lazy });
    assert.throws(
      () => assertConforms(report),
      (e: Error) => e.name === 'AssertionError' && /RoutingStrategy conformance: lazy/.test(e.message),
    );
    assert.ok(
      report.problems.some((p) => p.includes('first choice bcn_failing is unusable (circuit breaker open')),
      report.problems.join('\n'),
    );
    assert.ok(!report.problems.some((p) => p.includes('another merchant')), report.problems.join('\n'));
    // Its skips' kind is not the fact: another merchant's connection is not 'disabled'.
    assert.ok(
      report.problems.some((p) => p.includes("skipped bcn_foreign as 'disabled', not 'other_merchant_or_mode'")),
      report.problems.join('\n'),
    );
    assert.ok(!report.problems.some((p) => p.includes('skipped bcn_disabled')), report.problems.join('\n'));
  });

  it("rejects a strategy that offers another merchant's or mode's connections", async () => {
    const report = await checkRoutingStrategy({ strategy: careless });
    assert.ok(
      report.problems.some((p) => p.includes('offered bcn_foreign of another merchant or mode')),
      report.problems.join('\n'),
    );
    assert.ok(
      report.problems.some((p) => p.includes('offered bcn_testmode of another merchant or mode')),
      report.problems.join('\n'),
    );
  });

  it('rejects a strategy that leaves out connections without a reason and answers differently each time', async () => {
    const report = await checkRoutingStrategy({ strategy: flipFlop });
    assert.ok(
      report.problems.some((p) => p.includes('appears 0 times')),
      report.problems.join('\n'),
    );
    assert.ok(
      report.problems.some((p) => p.includes('answered differently')),
      report.problems.join('\n'),
    );
    assert.ok(!report.problems.some((p) => p.includes('is unusable')), report.problems.join('\n'));
  });

  it('a wrapper receives the wrapped decision, and the composition still conforms', async () => {
    const reversed: RoutingStrategyWrapper = {
      name: 'rules-reversed',
      wraps: 'rules',
      refine: async (_input, decision) => ({ candidates: [...decision.candidates].reverse(), skipped: decision.skipped }),
    };
    const registry = new RoutingStrategyRegistry([rulesStrategy([]), reversed], 'rules-reversed');
    assert.equal(registry.active().name, 'rules-reversed');
    assert.deepEqual(registry.list(), [
      { name: 'rules', wraps: undefined, active: false },
      { name: 'rules-reversed', wraps: 'rules', active: true },
    ]);
    assertConforms(await checkRoutingStrategy({ strategy: registry.active() }));
  });

  it('refuses at start an unknown active name, a duplicate, a wrapper of nothing and a cycle', () => {
    const rules = rulesStrategy([]);
    assert.throws(
      () => new RoutingStrategyRegistry([rules], 'fastest'),
      (e: Error) => e instanceof RoutingStrategyError && /TENDER_ROUTING_STRATEGY names 'fastest'.*rules/.test(e.message),
    );
    assert.throws(() => new RoutingStrategyRegistry([rules, rules]), /two routing strategies share the name 'rules'/);
    const orphan: RoutingStrategyWrapper = { name: 'orphan', wraps: 'missing', refine: async (_i, d) => d };
    assert.throws(() => new RoutingStrategyRegistry([rules, orphan]), /'orphan' wraps 'missing', which is not registered/);
    const a: RoutingStrategyWrapper = { name: 'a', wraps: 'b', refine: async (_i, d) => d };
    const b: RoutingStrategyWrapper = { name: 'b', wraps: 'a', refine: async (_i, d) => d };
    assert.throws(() => new RoutingStrategyRegistry([rules, a, b]), /cycle: a -> b -> a/);
  });

  it('routes one payment the same way each time, and splits many payments by weight', async () => {
    const strategy = rulesStrategy([
      {
        id: 'split',
        priority: 1,
        match: {},
        targets: [
          { bank: 'alfa', weight: 70 },
          { bank: 'sber', weight: 30 },
        ],
      },
    ]);
    const conn = (bankCode: string) => ({
      id: `bcn_${bankCode}`,
      merchantId: 'mer_1',
      livemode: true,
      bankCode,
      adapterCode: 'x',
      currencies: ['RUB'],
      status: 'active' as const,
      createdAt: 0,
      adapterInstalled: true,
      capabilities: ['card_authorization' as const],
      health: { state: 'closed' as const, errorRate: 0, calls: 0, averageLatencyMs: undefined },
    });
    const input = (reference: string) => ({
      payment: { reference, amount: 100, currency: 'RUB' },
      method: { type: 'card', capability: 'card_authorization' as const, brand: 'visa', bin: '424242' },
      merchant: { id: 'mer_1', livemode: true },
      connections: [conn('alfa'), conn('sber')],
    });
    const first = async (reference: string) => (await strategy.route(input(reference))).candidates[0]?.connectionId;
    assert.equal(await first('pay_same'), await first('pay_same'));
    let alfa = 0;
    for (let i = 0; i < 2_000; i++) if ((await first(`pay_${i}`)) === 'bcn_alfa') alfa++;
    assert.ok(Math.abs(alfa / 2_000 - 0.7) < 0.04, `alfa first for ${alfa} of 2000`);
  });
});
