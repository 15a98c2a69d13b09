import { z } from 'zod';
import { RiskHistory, RiskInput, RiskRule, RiskSignal } from '@tender/core';

export interface NumberVelocitySettings {
  score: number;
  max_count: number;
  window_seconds: number;
}

/**
 * `top_up_number_velocity`: a payment for a top-up of a number that already had
 * `max_count` top-ups (any outcome but canceled) in the last `window_seconds`
 * scores `score`. Many top-ups of one number from many cards is the pattern of
 * stolen cards turned into airtime.
 */
export class NumberVelocityRule implements RiskRule<NumberVelocitySettings> {
  readonly code = 'top_up_number_velocity';
  readonly defaults = { score: 60, max_count: 3, window_seconds: 3600 };
  readonly settingsSchema = z
    .object({
      score: z.number().int().min(-100).max(1000),
      max_count: z.number().int().min(1).max(1000),
      window_seconds: z
        .number()
        .int()
        .min(60)
        .max(30 * 86400),
    })
    .partial()
    .strict();

  async evaluate(input: RiskInput, s: NumberVelocitySettings, history: RiskHistory): Promise<RiskSignal | undefined> {
    const id = (input.payment.metadata ?? {}).top_up;
    const q = history.connection;
    if (id === undefined || q === undefined) return undefined;
    const topUp = (await q('top_ups').where({ id, merchant_id: input.payment.merchantId, livemode: input.payment.livemode }).first('phone')) as
      { phone: string } | undefined;
    if (topUp === undefined) return undefined;
    const rows = (await q('top_ups')
      .where({ phone: topUp.phone })
      .whereNot({ id })
      .whereNot({ status: 'canceled' })
      .andWhere('created_at', '>', input.now - s.window_seconds * 1000)
      .limit(s.max_count)
      .select('id')) as unknown[];
    return rows.length >= s.max_count ? { score: s.score, reason: `${rows.length} other top-ups of this number within ${s.window_seconds} s` } : undefined;
  }
}
