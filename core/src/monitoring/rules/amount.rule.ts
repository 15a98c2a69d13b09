import { z } from 'zod';
import { fields } from '../../http/validation';
import { findCurrency } from '../../money/currencies';
import { formatAmount } from '../../pages/amount-format';
import { RiskHistory, RiskInput, RiskRule, RiskSignal } from '../risk-rule';

export interface AmountSettings {
  /** The merchant's limit per currency, in minor units (e.g. `{ "RUB": 10000000 }`). */
  readonly max_amounts: Readonly<Record<string, number>>;
  readonly max_score: number;
  /** "Far above the usual ticket": more than this many times the recent mean. */
  readonly unusual_multiplier: number;
  readonly unusual_min_samples: number;
  readonly unusual_sample: number;
  readonly unusual_window_seconds: number;
  readonly unusual_score: number;
}

/**
 * Amount: above the merchant's limit for the currency, or far above its usual
 * ticket (the mean of its last `unusual_sample` approved attempts in that currency,
 * once there are at least `unusual_min_samples` of them).
 */
export class AmountRule implements RiskRule<AmountSettings> {
  readonly code = 'amount';
  readonly defaults: AmountSettings = {
    max_amounts: {},
    max_score: 100,
    unusual_multiplier: 10,
    unusual_min_samples: 20,
    unusual_sample: 200,
    unusual_window_seconds: 30 * 86400,
    unusual_score: 50,
  };
  readonly settingsSchema = z
    .object({
      max_amounts: z.record(
        z.string().refine((c) => findCurrency(c) !== undefined, 'must be a supported ISO 4217 currency code'),
        fields.minorUnits(),
      ),
      max_score: z.number().int().min(-10000).max(10000),
      unusual_multiplier: z.number().int().min(2).max(1000),
      unusual_min_samples: z.number().int().min(1).max(10000),
      unusual_sample: z.number().int().min(1).max(10000),
      unusual_window_seconds: z
        .number()
        .int()
        .min(1)
        .max(365 * 86400),
      unusual_score: z.number().int().min(-10000).max(10000),
    })
    .partial()
    .strict();

  async evaluate(input: RiskInput, s: AmountSettings, history: RiskHistory): Promise<RiskSignal | undefined> {
    const { amount, currency } = input.payment;
    const limit = s.max_amounts[currency];
    if (limit !== undefined && amount > limit) {
      return { score: s.max_score, reason: `amount ${money(amount, currency)} is above the limit ${money(limit, currency)}` };
    }
    const usual = await history.usualAmount(currency, input.now - s.unusual_window_seconds * 1000, s.unusual_sample);
    if (usual.samples >= s.unusual_min_samples && amount > usual.average * s.unusual_multiplier) {
      return {
        score: s.unusual_score,
        reason: `amount ${money(amount, currency)} is more than ${s.unusual_multiplier}x the usual ${money(Math.round(usual.average), currency)}`,
      };
    }
    return undefined;
  }
}

/** A reason's amount in major units, as the screens show amounts ("RUB 15,000.00"); reasons are stored in English. */
export function money(minor: number, currency: string): string {
  return formatAmount(minor, currency, 'en');
}
