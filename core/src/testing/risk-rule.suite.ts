import { isDeepStrictEqual } from 'node:util';
import type { Payment } from '../payments/payment';
import type { RiskHistory, RiskInput, RiskRule, RiskSignal } from '../monitoring/risk-rule';
import { ConformanceReport, ReportBuilder } from './conformance-report';

/** A rule under test. */
export interface RiskRuleSubject {
  readonly rule: RiskRule;
}

/** A history with nothing in it: what a fresh install answers. */
const EMPTY_HISTORY: RiskHistory = {
  attempts: async () => ({ count: 0, amount: 0 }),
  declines: async () => 0,
  cardOutcomes: async () => ({ declined: 0, pending: 0 }),
  smallAttempts: async () => 0,
  distinctCards: async () => 0,
  usualAmount: async () => ({ average: 0, samples: 0 }),
};

/** A history at every cap: a busy merchant, a card tried many times. */
const BUSY_HISTORY: RiskHistory = {
  attempts: async (_key, _since, cap) => ({ count: cap, amount: 99_999_999_999 }),
  declines: async (_card, _since, cap) => cap,
  cardOutcomes: async (_card, _since, cap) => ({ declined: cap, pending: 0 }),
  smallAttempts: async (_ip, _currency, _max, _since, cap) => cap,
  distinctCards: async (_ip, _except, _since, cap) => cap,
  usualAmount: async () => ({ average: 1, samples: 1_000 }),
};

const NOW = Date.parse('2026-01-01T12:00:00Z');

/** Only the fields every payment has; optional ones (description, metadata, customer) absent. */
function payment(amount: number): Payment {
  return { id: 'pay_conformance', merchantId: 'mer_conformance', livemode: false, amount, currency: 'RUB', status: 'pending' } as unknown as Payment;
}

function inputs(): Array<{ name: string; input: RiskInput }> {
  const card = { fingerprint: '0'.repeat(64), bin: '424242', brand: 'visa' };
  return [
    { name: 'full input', input: { payment: payment(1000), card, ip: '192.0.2.1', email: 'buyer@example.com', now: NOW } },
    { name: 'no IP, no e-mail', input: { payment: payment(1000), card, ip: undefined, email: undefined, now: NOW } },
    {
      name: 'IPv6, unknown brand',
      input: {
        payment: payment(1),
        card: { fingerprint: 'f'.repeat(64), bin: '999999', brand: 'unknown' },
        ip: '2001:db8::1',
        email: 'x@example.org',
        now: NOW,
      },
    },
    { name: 'largest amount', input: { payment: payment(99_999_999_999), card, ip: '198.51.100.7', email: undefined, now: NOW } },
  ];
}

/**
 * Checks a RiskRule: its code and settings schema (defaults and {} accepted, unknown
 * fields refused), and over inputs with and without the optional fields and over an
 * empty and a busy history: it never throws, answers the same input the same way,
 * and every signal has an integer score, a reason without anything that looks
 * like a card number, and a verdict of allow or block if any.
 *
 * @example
 * ```ts
 * import { assertConforms, checkRiskRule } from '@tender/core/testing';
 * it('conforms', async () => assertConforms(await checkRiskRule({ rule: new NightOwlRule() })));
 * ```
 */
export async function checkRiskRule(subject: RiskRuleSubject): Promise<ConformanceReport> {
  const { rule } = subject;
  const r = new ReportBuilder('RiskRule', String(rule.code));

  await r.check('has a snake_case code', (problem) => {
    if (!/^[a-z][a-z0-9_]{1,63}$/.test(rule.code)) problem(`code '${rule.code}' is not snake_case of 2 to 64 characters`);
    if (rule.code === 'engine') problem("code 'engine' is reserved for the engine's own reasons");
  });

  await r.check('validates its settings', (problem) => {
    if (!rule.settingsSchema.safeParse(rule.defaults).success) problem('the settings schema refuses the defaults');
    if (!rule.settingsSchema.safeParse({}).success) problem('the settings schema refuses {} (every field must be optional)');
    if (rule.settingsSchema.safeParse({ not_a_setting: 1 }).success) problem('the settings schema accepts unknown fields');
  });

  for (const [historyName, history] of [
    ['an empty history', EMPTY_HISTORY],
    ['a busy history', BUSY_HISTORY],
  ] as const) {
    await r.check(`evaluates every input over ${historyName}, the same way twice`, async (problem) => {
      for (const { name, input } of inputs()) {
        let first: RiskSignal | undefined;
        let second: RiskSignal | undefined;
        try {
          first = await rule.evaluate(input, rule.defaults, history);
          second = await rule.evaluate(structuredClone(input), rule.defaults, history);
        } catch (error) {
          problem(`${name}: evaluate threw: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        }
        if (!isDeepStrictEqual(first, second))
          problem(`${name}: the same input gave ${JSON.stringify(first)}, then ${JSON.stringify(second)} (not deterministic)`);
        if (first === undefined) continue;
        if (!Number.isInteger(first.score)) problem(`${name}: score ${String(first.score)} is not an integer`);
        if (typeof first.reason !== 'string' || first.reason.trim() === '') problem(`${name}: a signal needs a reason`);
        else if (/\d{12,19}/.test(first.reason)) problem(`${name}: the reason contains something that looks like a card number`);
        if (first.verdict !== undefined && first.verdict !== 'allow' && first.verdict !== 'block')
          problem(`${name}: verdict '${String(first.verdict)}' is not allow or block`);
      }
    });
  }

  return r.report();
}
