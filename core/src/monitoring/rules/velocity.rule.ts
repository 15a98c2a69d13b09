import { z } from 'zod';
import { fields } from '../../http/validation';
import { HistoryKey, RiskHistory, RiskInput, RiskRule, RiskSignal } from '../risk-rule';
import { money } from './amount.rule';

const limitSchema = z
  .object({
    key: z.enum(['card', 'ip', 'email', 'merchant']),
    window_seconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 86400),
    max_attempts: z.number().int().min(1).max(10000).optional(),
    max_amount: fields.minorUnits().optional(),
    score: z.number().int().min(-10000).max(10000),
  })
  .strict()
  .refine((l) => l.max_attempts !== undefined || l.max_amount !== undefined, 'set max_attempts, max_amount or both');

export type VelocityLimit = z.output<typeof limitSchema>;

export interface VelocitySettings {
  readonly limits: readonly VelocityLimit[];
}

/** How many earlier attempts an amount limit adds up at most (keeps the query bounded). */
export const AMOUNT_SCAN_CAP = 1000;

/**
 * Velocity: attempts and amount per card, IP, e-mail or the whole merchant in a
 * sliding window. Each limit fires when this attempt would be one too many
 * (earlier attempts >= max_attempts) or would take the window's total (in the
 * payment's currency) above max_amount. Fired limits add their scores.
 */
export class VelocityRule implements RiskRule<VelocitySettings> {
  readonly code = 'velocity';
  readonly defaults: VelocitySettings = {
    limits: [
      { key: 'card', window_seconds: 3600, max_attempts: 10, score: 50 },
      { key: 'ip', window_seconds: 3600, max_attempts: 30, score: 50 },
      { key: 'email', window_seconds: 3600, max_attempts: 10, score: 50 },
    ],
  };
  readonly settingsSchema = z
    .object({ limits: z.array(limitSchema).max(20) })
    .partial()
    .strict();

  async evaluate(input: RiskInput, s: VelocitySettings, history: RiskHistory): Promise<RiskSignal | undefined> {
    let score = 0;
    const reasons: string[] = [];
    for (const limit of s.limits) {
      const key = keyFor(limit.key, input);
      if (key === undefined) continue;
      const cap = limit.max_amount !== undefined ? AMOUNT_SCAN_CAP : (limit.max_attempts ?? 1);
      const seen = await history.attempts(key, input.now - limit.window_seconds * 1000, cap, input.payment.currency);
      if (limit.max_attempts !== undefined && seen.count >= limit.max_attempts) {
        score += limit.score;
        reasons.push(`${seen.count} attempts per ${limit.key} in the last ${limit.window_seconds}s (limit ${limit.max_attempts})`);
      } else if (limit.max_amount !== undefined && seen.amount + input.payment.amount > limit.max_amount) {
        score += limit.score;
        reasons.push(
          `${money(seen.amount + input.payment.amount, input.payment.currency)} per ${limit.key} in the last ${limit.window_seconds}s (limit ${money(limit.max_amount, input.payment.currency)})`,
        );
      }
    }
    return reasons.length === 0 ? undefined : { score, reason: reasons.join('; ') };
  }
}

function keyFor(kind: VelocityLimit['key'], input: RiskInput): HistoryKey | undefined {
  switch (kind) {
    case 'card':
      return { kind, value: input.card.fingerprint };
    case 'ip':
      return input.ip === undefined ? undefined : { kind, value: input.ip };
    case 'email':
      return input.email === undefined ? undefined : { kind, value: input.email };
    case 'merchant':
      return { kind };
  }
}
