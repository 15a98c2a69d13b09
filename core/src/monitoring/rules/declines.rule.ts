import { z } from 'zod';
import { RiskHistory, RiskInput, RiskRule, RiskSignal } from '../risk-rule';

export interface DeclinesSettings {
  readonly max_declines: number;
  readonly window_seconds: number;
  readonly score: number;
  /** Count attempts still waiting for the bank as possible declines (so simultaneous attempts cannot overshoot). */
  readonly count_in_flight: boolean;
}

/**
 * Repeated declines of one card: after `max_declines` bank declines within the
 * window, further attempts with that card score `score` (by default enough to
 * block) until the oldest of those declines leaves the window. Blocked attempts
 * are not declines, so retrying does not extend the block.
 *
 * Attempts whose answer is not known yet count too (`count_in_flight`): with 4
 * declines and a limit of 5, one more attempt may go to the bank, not ten sent at
 * the same moment. The confirm serializes assessments per card, so each one sees the
 * attempts before it (docs/risk.md, "Concurrency").
 */
export class DeclinesRule implements RiskRule<DeclinesSettings> {
  readonly code = 'declines';
  readonly defaults: DeclinesSettings = { max_declines: 5, window_seconds: 3600, score: 100, count_in_flight: true };
  readonly settingsSchema = z
    .object({
      max_declines: z.number().int().min(1).max(1000),
      window_seconds: z
        .number()
        .int()
        .min(1)
        .max(30 * 86400),
      score: z.number().int().min(-10000).max(10000),
      count_in_flight: z.boolean(),
    })
    .partial()
    .strict();

  async evaluate(input: RiskInput, s: DeclinesSettings, history: RiskHistory): Promise<RiskSignal | undefined> {
    const { declined, pending } = await history.cardOutcomes(input.card.fingerprint, input.now - s.window_seconds * 1000, s.max_declines);
    const counted = s.count_in_flight ? declined + pending : declined;
    if (counted < s.max_declines) return undefined;
    const waiting = s.count_in_flight && pending > 0 ? ` and ${pending} attempts are awaiting the bank's answer` : '';
    return { score: s.score, reason: `this card was declined ${declined} times in the last ${s.window_seconds}s${waiting}` };
  }
}
