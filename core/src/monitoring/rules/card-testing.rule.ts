import { z } from 'zod';
import { fields } from '../../http/validation';
import { RiskHistory, RiskInput, RiskRule, RiskSignal } from '../risk-rule';
import { money } from './amount.rule';

export interface CardTestingSettings {
  /** At most this amount (minor units of the payment's currency) counts as a "small" authorization. */
  readonly small_amount: number;
  readonly max_small_attempts: number;
  readonly small_window_seconds: number;
  readonly max_distinct_cards: number;
  readonly distinct_window_seconds: number;
  readonly score: number;
}

/** How many earlier attempts from one IP the distinct-card count looks at, at most. */
export const DISTINCT_SCAN_CAP = 1000;

/**
 * Card testing: someone with a list of stolen numbers tries them one after another
 * for small amounts to learn which are live. Fires on many small attempts from one
 * IP, or on many different cards from one IP. Needs the buyer's IP (`customer.ip`).
 */
export class CardTestingRule implements RiskRule<CardTestingSettings> {
  readonly code = 'card_testing';
  readonly defaults: CardTestingSettings = {
    small_amount: 500,
    max_small_attempts: 10,
    small_window_seconds: 600,
    max_distinct_cards: 5,
    distinct_window_seconds: 3600,
    score: 100,
  };
  readonly settingsSchema = z
    .object({
      small_amount: fields.minorUnits(),
      max_small_attempts: z.number().int().min(1).max(10000),
      small_window_seconds: z
        .number()
        .int()
        .min(1)
        .max(30 * 86400),
      max_distinct_cards: z.number().int().min(1).max(DISTINCT_SCAN_CAP),
      distinct_window_seconds: z
        .number()
        .int()
        .min(1)
        .max(30 * 86400),
      score: z.number().int().min(-10000).max(10000),
    })
    .partial()
    .strict();

  async evaluate(input: RiskInput, s: CardTestingSettings, history: RiskHistory): Promise<RiskSignal | undefined> {
    if (input.ip === undefined) return undefined;
    const { payment } = input;
    if (payment.amount <= s.small_amount) {
      const small = await history.smallAttempts(input.ip, payment.currency, s.small_amount, input.now - s.small_window_seconds * 1000, s.max_small_attempts);
      if (small >= s.max_small_attempts) {
        return {
          score: s.score,
          reason: `${small} small attempts (<= ${money(s.small_amount, input.payment.currency)}) from this IP in the last ${s.small_window_seconds}s`,
        };
      }
    }
    const cards = await history.distinctCards(input.ip, input.card.fingerprint, input.now - s.distinct_window_seconds * 1000, DISTINCT_SCAN_CAP);
    if (cards >= s.max_distinct_cards) {
      return { score: s.score, reason: `${cards} other cards tried from this IP in the last ${s.distinct_window_seconds}s` };
    }
    return undefined;
  }
}
