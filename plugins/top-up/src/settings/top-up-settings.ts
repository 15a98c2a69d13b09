import { z } from 'zod';
import { MAX_AMOUNT } from '@tender/core';

const minor = z.number().int().min(1).max(MAX_AMOUNT);

/** One mobile operator the gateway tops up, keyed in the settings by its INN (as the numbering plan names it). */
export const operatorSettingsSchema = z
  .object({
    /** The name buyers see (`MTS`); the register's legal name stays in the plan. */
    name: z.string().min(1).max(60),
    /** A fixed fee in kopecks added to every top-up of this operator. */
    fee_fixed: z.number().int().min(0).max(MAX_AMOUNT).default(0),
    /** A percentage fee in basis points (150 = 1.5 %) of the top-up amount, rounded half up to the kopeck. */
    fee_bps: z.number().int().min(0).max(10000).default(0),
    /** The smallest and largest amount credited to the phone, in kopecks. */
    min_amount: minor,
    max_amount: minor,
  })
  .strict()
  .refine((o) => o.min_amount <= o.max_amount, { message: 'min_amount must not be above max_amount', path: ['min_amount'] });

/**
 * The operator's top-up settings (`PUT /admin/v1/top-up/settings`). Amounts are
 * integer kopecks (RUB minor units): top-ups are in RUB only, as Russian operators credit.
 */
export const topUpSettingsSchema = z
  .object({
    /** The merchant the payments are made to (the operator's own "top-up" merchant) and its mode. */
    merchant_id: z.string().regex(/^mer_[0-9A-Za-z]{1,40}$/),
    livemode: z.boolean(),
    operators: z.record(z.string().regex(/^\d{10}$/, 'operators are keyed by their 10-digit INN'), operatorSettingsSchema),
    /** The most a number may receive in 24 hours (rolling), counting top-ups not failed. */
    daily_limit_per_number: minor,
    /** The most one card may pay in 24 hours (rolling), enforced by the `top_up_card_daily_limit` risk rule. */
    daily_limit_per_card: minor,
  })
  .strict();

export type TopUpSettings = z.output<typeof topUpSettingsSchema>;
export type OperatorSettings = z.output<typeof operatorSettingsSchema>;

/**
 * The fee for `amount` kopecks: `fee_fixed + round_half_up(amount * fee_bps / 10000)`,
 * computed in integers (amount * 10000 stays far below 2^53 for any valid amount).
 *
 * @example feeFor({ fee_fixed: 500, fee_bps: 150, ... }, 10050) // 500 + round(150.75) = 651
 */
export function feeFor(operator: Pick<OperatorSettings, 'fee_fixed' | 'fee_bps'>, amount: number): number {
  return operator.fee_fixed + Math.floor((amount * operator.fee_bps + 5000) / 10000);
}
