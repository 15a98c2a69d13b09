import assert from 'node:assert/strict';
import { FixedClock } from '@tender/core';
import { BankConnection } from '@tender/core/dist/banks/bank-connection';
import { planRoute } from '@tender/core/dist/routing/route-planner';
import { ConnectionHealth, BREAKER, breakerOutcome } from '@tender/core/dist/routing/connection-health';
import { RoutingRuleSet, PaymentFacts, routingRuleSetSchema } from '@tender/core/dist/routing/routing-rules';
import { RoutingRuleVersion } from '@tender/core/dist/routing/routing-rule.repository';

const connection = (bankCode: string, currencies = ['RUB']): BankConnection => ({
  id: `bcn_${bankCode}`,
  merchantId: 'mer_1',
  livemode: true,
  bankCode,
  adapterCode: 'iso8583',
  bankMerchantId: 'M',
  terminalId: 'T',
  currencies,
  status: 'active',
  createdAt: 0,
});
const CONNECTIONS = [connection('alfa'), connection('sber'), connection('vtb', ['RUB', 'USD'])];
const facts = (over: Partial<PaymentFacts> = {}): PaymentFacts => ({
  paymentMethod: 'card',
  brand: 'visa',
  bin: '424242',
  currency: 'RUB',
  amount: 1000,
  ...over,
});
const version = (rules: RoutingRuleSet['rules'], v = 1): RoutingRuleVersion => ({
  version: v,
  rules: routingRuleSetSchema.parse({ rules }).rules,
  createdAt: 0,
});
const banks = (plan: ReturnType<typeof planRoute>): string[] => plan.map((p) => p.connection.bankCode);

/** mulberry32: a small seeded generator, so the weight test is repeatable. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('routing rules (no database)', () => {
  it('without rules offers every connection that takes the currency, oldest first', () => {
    assert.deepEqual(banks(planRoute(facts(), CONNECTIONS, [], Math.random)), ['alfa', 'sber', 'vtb']);
    assert.deepEqual(banks(planRoute(facts({ currency: 'USD' }), CONNECTIONS, [], Math.random)), ['vtb']);
  });

  it('routes by BIN range and by currency; merchant rules come before operator rules', () => {
    const operator = version([
      { id: 'mir-bins', priority: 1, match: { bin_ranges: [{ from: '220000', to: '220499' }] }, targets: [{ bank: 'sber', weight: 1 }] },
      { id: 'usd', priority: 2, match: { currencies: ['USD'] }, targets: [{ bank: 'vtb', weight: 1 }] },
      { id: 'rest', priority: 9, match: {}, targets: [{ bank: 'alfa', weight: 1 }] },
    ]);
    const sources = [{ label: 'operator' as const, version: operator }];
    assert.deepEqual(banks(planRoute(facts({ brand: 'mir', bin: '220000' }), CONNECTIONS, sources, Math.random)), ['sber', 'alfa']);
    assert.deepEqual(banks(planRoute(facts({ bin: '424242' }), CONNECTIONS, sources, Math.random)), ['alfa']);
    assert.deepEqual(banks(planRoute(facts({ currency: 'USD' }), CONNECTIONS, sources, Math.random)), ['vtb']);
    const merchant = version([{ id: 'mine', priority: 5, match: { amount_min: 500, amount_max: 5000 }, targets: [{ bank: 'vtb', weight: 1 }] }]);
    const plan = planRoute(facts({ brand: 'mir', bin: '220000' }), CONNECTIONS, [{ label: 'merchant', version: merchant }, ...sources], Math.random);
    assert.deepEqual(banks(plan), ['vtb', 'sber', 'alfa']);
    assert.match(plan[0].reason, /merchant rule 'mine'/);
    assert.deepEqual(
      banks(planRoute(facts({ amount: 10_000 }), CONNECTIONS, [{ label: 'merchant', version: merchant }], Math.random)),
      ['alfa', 'sber', 'vtb'],
      'no rule matched: every connection',
    );
    const elsewhere = version([{ id: 'gone', priority: 1, match: {}, targets: [{ bank: 'closed-bank', weight: 1 }] }]);
    assert.deepEqual(
      banks(planRoute(facts(), CONNECTIONS, [{ label: 'operator', version: elsewhere }], Math.random)),
      [],
      'a matching rule is obeyed, even when it leaves nothing',
    );
  });

  it('splits volume by weight (70/30 over 10 000 seeded draws, within 2 points)', () => {
    const rules = version([
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
    const random = seeded(5);
    let alfaFirst = 0;
    for (let i = 0; i < 10_000; i++) {
      const plan = banks(planRoute(facts(), CONNECTIONS, [{ label: 'operator', version: rules }], random));
      assert.deepEqual([...plan].sort(), ['alfa', 'sber'], 'the other bank stays as failover');
      if (plan[0] === 'alfa') alfaFirst++;
    }
    assert.ok(Math.abs(alfaFirst / 10_000 - 0.7) < 0.02, `alfa first in ${alfaFirst} of 10000`);
  });

  it('validates rule sets', () => {
    const bad = [
      { rules: [{ id: 'x', priority: 1, match: {}, targets: [] }] },
      { rules: [{ id: 'x', priority: 1, match: { bin_ranges: [{ from: '5', to: '6' }] }, targets: [{ bank: 'a', weight: 1 }] }] },
      { rules: [{ id: 'x', priority: 1, match: { amount_min: 10, amount_max: 5 }, targets: [{ bank: 'a', weight: 1 }] }] },
      {
        rules: [
          { id: 'x', priority: 1, match: {}, targets: [{ bank: 'a', weight: 1 }] },
          { id: 'x', priority: 2, match: {}, targets: [{ bank: 'b', weight: 1 }] },
        ],
      },
      { rules: [{ id: 'x', priority: 1, match: { colour: 'red' }, targets: [{ bank: 'a', weight: 1 }] }] },
    ];
    for (const b of bad) assert.equal(routingRuleSetSchema.safeParse(b).success, false, JSON.stringify(b));
  });
});

describe('circuit breaker (no database, controlled clock)', () => {
  it('opens on a high error rate, skips while open, lets one probe through after the pause, and closes on its success', async () => {
    const clock = new FixedClock(1_000_000);
    const health = new ConnectionHealth(clock);
    for (let i = 0; i < BREAKER.minimumCalls - 1; i++) health.record('bcn_a', false, 10);
    assert.equal(await health.admit('bcn_a'), 'use');
    health.record('bcn_a', false, 10);
    assert.equal(health.state('bcn_a'), 'open');
    assert.equal(await health.admit('bcn_a'), 'skip');
    clock.advance(BREAKER.openMs);
    assert.equal(health.state('bcn_a'), 'half_open');
    assert.equal(await health.admit('bcn_a'), 'probe');
    assert.equal(await health.admit('bcn_a'), 'skip', 'only one probe at a time');
    health.record('bcn_a', false, 10, 'probe');
    assert.equal(health.state('bcn_a'), 'open', 'a failed probe reopens');
    clock.advance(BREAKER.openMs);
    assert.equal(await health.admit('bcn_a'), 'probe');
    health.record('bcn_a', true, 10, 'probe');
    assert.equal(health.state('bcn_a'), 'closed');
    assert.equal(await health.admit('bcn_a'), 'use');
    assert.equal(health.view('bcn_a').errorRate, 0);
  });

  it('counts only technical failures: declines are healthy, issuer-side failures say nothing', () => {
    assert.equal(breakerOutcome({ kind: 'declined', reason: 'insufficient_funds', rawCode: '51', message: '' }), 'healthy');
    assert.equal(breakerOutcome({ kind: 'action_required', challenge: { acsUrl: '/acs', transactionId: 't', creq: 'c' } }), 'healthy');
    assert.equal(breakerOutcome({ kind: 'technical_failure', reason: 'processing_error', rawCode: '91', message: '' }), 'ignored');
    assert.equal(breakerOutcome({ kind: 'technical_failure', reason: 'processing_error', rawCode: '96', message: '' }), 'failure');
    assert.equal(breakerOutcome({ kind: 'technical_failure', reason: 'bank_unreachable', rawCode: undefined, message: '' }), 'failure');
    assert.equal(breakerOutcome({ kind: 'unknown', message: '' }), 'failure');
    // The reported case: 8 calls on one terminal, 4 errors of which 2 card-caused (issuer down): stays closed.
    const health = new ConnectionHealth(new FixedClock(0));
    const calls: Array<'healthy' | 'failure' | 'ignored'> = ['healthy', 'failure', 'ignored', 'healthy', 'failure', 'ignored', 'healthy', 'healthy'];
    for (const c of calls) health.record('bcn_t', c, 10);
    assert.equal(health.state('bcn_t'), 'closed');
    assert.equal(health.view('bcn_t').calls, 6, 'issuer-side failures are not in the window');
    // Even 4 technical errors in 8 calls are too few calls to judge.
    const four = new ConnectionHealth(new FixedClock(0));
    for (let i = 0; i < 8; i++) four.record('bcn_f', i % 2 === 0 ? 'failure' : 'healthy', 10);
    assert.equal(four.state('bcn_f'), 'closed');
  });

  it("lets another payment probe when the probe's answer says nothing, or when the probe never reports back", async () => {
    const clock = new FixedClock(1_000_000);
    const health = new ConnectionHealth(clock);
    for (let i = 0; i < BREAKER.minimumCalls; i++) health.record('bcn_p', 'failure', 10);
    clock.advance(BREAKER.openMs);
    assert.equal(await health.admit('bcn_p'), 'probe');
    health.record('bcn_p', 'ignored', 10, 'probe');
    assert.equal(health.state('bcn_p'), 'half_open');
    assert.equal(await health.admit('bcn_p'), 'probe', 'an issuer-side failure neither closes nor reopens: the next payment probes');
    assert.equal(await health.admit('bcn_p'), 'skip');
    clock.advance(BREAKER.openMs);
    assert.equal(await health.admit('bcn_p'), 'probe', 'a probe lost with its process is replaced');
    health.record('bcn_p', 'healthy', 10, 'probe');
    assert.equal(health.state('bcn_p'), 'closed');
  });

  it('lets only the probe decide a breaker that is not closed: late answers of calls admitted before it opened change nothing', async () => {
    const clock = new FixedClock(1_000_000);
    const health = new ConnectionHealth(clock);
    // Two calls admitted while the breaker is closed; the window then opens it.
    assert.equal(await health.admit('bcn_late'), 'use');
    for (let i = 0; i < BREAKER.minimumCalls; i++) health.record('bcn_late', 'failure', 10);
    assert.equal(health.state('bcn_late'), 'open');
    health.record('bcn_late', 'healthy', 10, 'use');
    assert.equal(health.state('bcn_late'), 'open', 'a late success of a call admitted before the breaker opened does not close it');
    clock.advance(BREAKER.openMs);
    assert.equal(await health.admit('bcn_late'), 'probe');
    health.record('bcn_late', 'healthy', 10, 'use');
    assert.equal(health.state('bcn_late'), 'half_open', 'nor does one while the probe is out');
    assert.equal(await health.admit('bcn_late'), 'skip', 'the probe is still out');
    health.record('bcn_late', 'failure', 10, 'probe');
    assert.equal(health.state('bcn_late'), 'open', "the probe's own answer decides");
  });

  it('counts declines as a healthy bank', () => {
    const health = new ConnectionHealth(new FixedClock(0));
    for (let i = 0; i < 20; i++) health.record('bcn_b', true, 5);
    assert.equal(health.state('bcn_b'), 'closed');
    assert.equal(health.view('bcn_b').averageLatencyMs, 5);
  });
});
