import assert from 'node:assert/strict';
import { HistoryKey, RiskHistory, RiskInput } from '@tender/core/dist/monitoring/risk-rule';
import { combine } from '@tender/core/dist/monitoring/risk-assessment';
import { ipMatcher, isIpOrRange } from '@tender/core/dist/monitoring/ip-ranges';
import { DeclinesRule } from '@tender/core/dist/monitoring/rules/declines.rule';
import { VelocityRule } from '@tender/core/dist/monitoring/rules/velocity.rule';
import { CardTestingRule } from '@tender/core/dist/monitoring/rules/card-testing.rule';
import { ListsRule } from '@tender/core/dist/monitoring/rules/lists.rule';
import { BinCountryRule } from '@tender/core/dist/monitoring/rules/bin-country.rule';
import { Payment } from '@tender/core/dist/payments/payment';

const NOW = Date.parse('2026-03-01T12:00:00Z');

/** History answers the rules ask for, recording the windows and caps they asked with. */
class ScriptedHistory implements RiskHistory {
  asked: Array<{ what: string; since: number; cap: number }> = [];
  constructor(private readonly answers: { attempts?: number; amount?: number; declines?: number; pending?: number; small?: number; cards?: number } = {}) {}
  async attempts(key: HistoryKey, since: number, cap: number): Promise<{ count: number; amount: number }> {
    this.asked.push({ what: `attempts:${key.kind}`, since, cap });
    return { count: this.answers.attempts ?? 0, amount: this.answers.amount ?? 0 };
  }
  async declines(_card: string, since: number, cap: number): Promise<number> {
    this.asked.push({ what: 'declines', since, cap });
    return this.answers.declines ?? 0;
  }
  async cardOutcomes(_card: string, since: number, cap: number): Promise<{ declined: number; pending: number }> {
    this.asked.push({ what: 'outcomes', since, cap });
    return { declined: this.answers.declines ?? 0, pending: this.answers.pending ?? 0 };
  }
  async smallAttempts(_ip: string, _c: string, _max: number, since: number, cap: number): Promise<number> {
    this.asked.push({ what: 'small', since, cap });
    return this.answers.small ?? 0;
  }
  async distinctCards(_ip: string, _except: string, since: number, cap: number): Promise<number> {
    this.asked.push({ what: 'cards', since, cap });
    return this.answers.cards ?? 0;
  }
  async usualAmount(): Promise<{ average: number; samples: number }> {
    return { average: 0, samples: 0 };
  }
}

function input(overrides: Partial<RiskInput> = {}, amount = 1000): RiskInput {
  const payment = { id: 'pay_1', merchantId: 'mer_1', livemode: false, amount, currency: 'RUB' } as unknown as Payment;
  return { payment, card: { fingerprint: 'f'.repeat(64), bin: '424242', brand: 'visa' }, ip: '203.0.113.9', email: 'a@example.com', now: NOW, ...overrides };
}

describe('risk rules (no database)', () => {
  it('combines signals into decisions: thresholds, then allow verdicts, then block verdicts', () => {
    const t = { challenge: 50, review: 75, block: 100 };
    assert.equal(combine([], t).decision, 'allow');
    assert.equal(combine([{ score: 49, reason: '' }], t).decision, 'allow');
    assert.equal(
      combine(
        [
          { score: 30, reason: '' },
          { score: 20, reason: '' },
        ],
        t,
      ).decision,
      'challenge',
    );
    assert.equal(combine([{ score: 75, reason: '' }], t).decision, 'review');
    assert.equal(
      combine(
        [
          { score: 60, reason: '' },
          { score: 40, reason: '' },
        ],
        t,
      ).decision,
      'block',
    );
    assert.equal(
      combine(
        [
          { score: 100, reason: '' },
          { score: -10, reason: '' },
        ],
        t,
      ).decision,
      'review',
      'negative scores lower the total',
    );
    assert.equal(
      combine(
        [
          { score: 500, reason: '' },
          { score: 0, reason: '', verdict: 'allow' },
        ],
        t,
      ).decision,
      'allow',
    );
    assert.equal(
      combine(
        [
          { score: 0, reason: '', verdict: 'block' },
          { score: 0, reason: '', verdict: 'allow' },
        ],
        t,
      ).decision,
      'block',
    );
  });

  it('declines: fires at the threshold, asks for exactly its window and no more rows than it needs', async () => {
    const rule = new DeclinesRule();
    const h4 = new ScriptedHistory({ declines: 4 });
    assert.equal(await rule.evaluate(input(), rule.defaults, h4), undefined);
    assert.deepEqual(h4.asked, [{ what: 'outcomes', since: NOW - 3600_000, cap: 5 }]);
    const fired = await rule.evaluate(input(), { ...rule.defaults, window_seconds: 60 }, new ScriptedHistory({ declines: 5 }));
    assert.deepEqual(fired, { score: 100, reason: 'this card was declined 5 times in the last 60s' });
  });

  it('declines: attempts still waiting for the bank count as possible declines unless count_in_flight is off', async () => {
    const rule = new DeclinesRule();
    const inFlight = new ScriptedHistory({ declines: 4, pending: 1 });
    assert.deepEqual(await rule.evaluate(input(), rule.defaults, inFlight), {
      score: 100,
      reason: "this card was declined 4 times in the last 3600s and 1 attempts are awaiting the bank's answer",
    });
    assert.equal(await rule.evaluate(input(), { ...rule.defaults, count_in_flight: false }, inFlight), undefined);
    assert.equal(await rule.evaluate(input(), rule.defaults, new ScriptedHistory({ declines: 0, pending: 4 })), undefined, 'four in flight are below five');
  });

  it('velocity: skips keys the input lacks and adds the scores of fired limits', async () => {
    const rule = new VelocityRule();
    const h = new ScriptedHistory({ attempts: 10 });
    const signal = await rule.evaluate(input({ ip: undefined }), rule.defaults, h);
    assert.deepEqual(
      h.asked.map((a) => a.what),
      ['attempts:card', 'attempts:email'],
    );
    assert.equal(signal?.score, 100);
    const amount = await rule.evaluate(
      input({}, 600),
      { limits: [{ key: 'merchant', window_seconds: 60, max_amount: 1000, score: 40 }] },
      new ScriptedHistory({ attempts: 1, amount: 500 }),
    );
    assert.equal(amount?.score, 40);
  });

  it('card testing: needs an IP; small attempts only count for small payments', async () => {
    const rule = new CardTestingRule();
    assert.equal(await rule.evaluate(input({ ip: undefined }, 100), rule.defaults, new ScriptedHistory({ small: 99, cards: 99 })), undefined);
    assert.match((await rule.evaluate(input({}, 100), rule.defaults, new ScriptedHistory({ small: 10 })))?.reason ?? '', /10 small attempts/);
    assert.equal(await rule.evaluate(input({}, 100_000), rule.defaults, new ScriptedHistory({ small: 10 })), undefined);
    assert.match((await rule.evaluate(input({}, 100_000), rule.defaults, new ScriptedHistory({ cards: 5 })))?.reason ?? '', /5 other cards/);
  });

  it('matches IPv4 and IPv6 addresses and ranges', () => {
    for (const ok of ['10.0.0.1', '10.0.0.0/8', '0.0.0.0/0', '2001:db8::/32', '::1', '2001:db8::1/128']) assert.ok(isIpOrRange(ok), ok);
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', '10.0.0', 'example.com', '10.0.0.0/8/1', '10.0.0.0/x']) assert.ok(!isIpOrRange(bad), bad);
    const m = ipMatcher(['10.1.0.0/16', '2001:db8::/32', '192.0.2.5']);
    assert.ok(m('10.1.255.255'));
    assert.ok(!m('10.2.0.0'));
    assert.ok(m('2001:DB8:ffff::1'));
    assert.ok(!m('2001:db9::1'));
    assert.ok(m('::ffff:10.1.2.3'));
    assert.ok(m('192.0.2.5'));
    assert.ok(!m('192.0.2.6'));
    assert.ok(!m('not an ip'));
  });

  it('lists: joins operator and merchant entries; block beats allow', async () => {
    const rule = new ListsRule();
    const joined = rule.combine({ block: { ips: ['10.0.0.0/8'] } }, { block: { ips: ['10.0.0.0/8', '192.0.2.1'] }, allow: { emails: ['a@example.com'] } });
    assert.deepEqual(joined.block?.ips, ['10.0.0.0/8', '192.0.2.1']);
    const settings = { ...rule.defaults, ...joined };
    assert.equal((await rule.evaluate(input({ ip: '10.9.9.9' }), settings))?.verdict, 'block');
    assert.equal((await rule.evaluate(input({ ip: '172.16.0.1' }), settings))?.verdict, 'allow');
    assert.equal(await rule.evaluate(input({ ip: '172.16.0.1', email: 'b@example.com' }), settings), undefined);
  });

  it('BIN country: longest BIN prefix wins; silent when either side is unknown', async () => {
    const rule = new BinCountryRule();
    const s = { bins: { '4242': 'US', '424242': 'GB' }, ips: { '203.0.113.0/24': 'GB', '198.51.100.0/24': 'RU' }, score: 30 };
    assert.equal(await rule.evaluate(input({ ip: '203.0.113.1' }), s), undefined, 'GB card from a GB address');
    assert.equal((await rule.evaluate(input({ ip: '198.51.100.1' }), s))?.reason, 'card issued in GB, buyer IP in RU');
    assert.equal(await rule.evaluate(input({ ip: '192.0.2.1' }), s), undefined);
    assert.equal(await rule.evaluate(input({ ip: undefined }), s), undefined);
  });
});
