import { Payment } from '../payments/payment';
import { RiskHistory, RiskInput, RiskRule, RiskSignal } from './risk-rule';

/** A history with nothing in it: what a fresh install answers. */
const EMPTY_HISTORY: RiskHistory = {
  attempts: async () => ({ count: 0, amount: 0 }),
  declines: async () => 0,
  cardOutcomes: async () => ({ declined: 0, pending: 0 }),
  smallAttempts: async () => 0,
  distinctCards: async () => 0,
  usualAmount: async () => ({ average: 0, samples: 0 }),
};

/**
 * The checks every RiskRule passes, built-in or from a plugin; returns the problems
 * found (empty when the rule conforms). Run it from your rule's tests.
 *
 * @example
 * ```ts
 * it('conforms', async () => assert.deepEqual(await riskRuleProblems(new NightOwlRule()), []));
 * ```
 */
export async function riskRuleProblems(rule: RiskRule): Promise<string[]> {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9_]{1,63}$/.test(rule.code)) problems.push(`code '${rule.code}' is not snake_case of 2 to 64 characters`);
  if (rule.code === 'engine') problems.push("code 'engine' is reserved for the engine's own reasons");
  if (!rule.settingsSchema.safeParse(rule.defaults).success) problems.push('the settings schema refuses the defaults');
  if (!rule.settingsSchema.safeParse({}).success) problems.push('the settings schema refuses {} (every field must be optional)');
  if (rule.settingsSchema.safeParse({ not_a_setting: 1 }).success) problems.push('the settings schema accepts unknown fields');
  const payment = { id: 'pay_conformance', merchantId: 'mer_conformance', livemode: false, amount: 1000, currency: 'RUB', status: 'pending' } as unknown as Payment;
  const inputs: RiskInput[] = [
    { payment, card: { fingerprint: '0'.repeat(64), bin: '424242', brand: 'visa' }, ip: '192.0.2.1', email: 'buyer@example.com', now: Date.parse('2026-01-01T12:00:00Z') },
    { payment, card: { fingerprint: '0'.repeat(64), bin: '424242', brand: 'visa' }, ip: undefined, email: undefined, now: Date.parse('2026-01-01T12:00:00Z') },
  ];
  for (const input of inputs) {
    let signal: RiskSignal | undefined;
    try {
      signal = await rule.evaluate(input, rule.defaults, EMPTY_HISTORY);
    } catch (error) {
      problems.push(`evaluate threw: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (signal === undefined) continue;
    if (!Number.isInteger(signal.score)) problems.push(`score ${String(signal.score)} is not an integer`);
    if (typeof signal.reason !== 'string' || signal.reason.trim() === '') problems.push('a signal needs a reason');
    if (signal.verdict !== undefined && signal.verdict !== 'allow' && signal.verdict !== 'block') problems.push(`verdict '${String(signal.verdict)}' is not allow or block`);
    if (/\d{12,19}/.test(signal.reason)) problems.push('the reason contains something that looks like a card number');
  }
  return problems;
}
