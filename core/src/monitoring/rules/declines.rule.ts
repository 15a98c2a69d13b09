import { z } from 'zod';
import { RiskHistory, RiskInput, RiskRule, RiskSignal } from '../risk-rule';

export interface DeclinesSettings {
  readonly max_declines: number;
  readonly window_seconds: number;
  readonly score: number;
}

/**
 * Repeated declines of one card: after `max_declines` bank declines within the
 * window, further attempts with that card score `score` (by default enough to
 * block) until the oldest of those declines leaves the window. Blocked attempts
 * are not declines, so retrying does not extend the block.
 */
export class DeclinesRule implements RiskRule<DeclinesSettings> {
  readonly code = 'declines';
  readonly defaults: DeclinesSettings = { max_declines: 5, window_seconds: 3600, score: 100 };
  readonly settingsSchema = z
    .object({ max_declines: z.number().int().min(1).max(1000), window_seconds: z.number().int().min(1).max(30 * 86400), score: z.number().int().min(-10000).max(10000) })
    .partial()
    .strict();

  async evaluate(input: RiskInput, s: DeclinesSettings, history: RiskHistory): Promise<RiskSignal | undefined> {
    const declines = await history.declines(input.card.fingerprint, input.now - s.window_seconds * 1000, s.max_declines);
    if (declines < s.max_declines) return undefined;
    return { score: s.score, reason: `this card was declined ${declines} times in the last ${s.window_seconds}s` };
  }
}
