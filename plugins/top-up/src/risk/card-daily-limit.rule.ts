import { z } from 'zod';
import { RiskHistory, RiskInput, RiskRule, RiskSignal } from '@tender/core';
import { TopUpSettingsStore } from '../settings/top-up-settings.store';

/** Nothing to set here: the limit is the top-up settings' `daily_limit_per_card`. */
export type CardDailyLimitSettings = Record<string, never>;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `top_up_card_daily_limit`: blocks a top-up payment when the card's attempts at the
 * top-up merchant in the last 24 hours (declined ones included: a card that keeps
 * trying is not given more room) plus this one exceed `daily_limit_per_card`.
 */
export class CardDailyLimitRule implements RiskRule<CardDailyLimitSettings> {
  readonly code = 'top_up_card_daily_limit';
  readonly defaults: CardDailyLimitSettings = {};
  readonly settingsSchema = z.object({}).strict() as unknown as z.ZodType<Partial<CardDailyLimitSettings>>;

  constructor(private readonly settings: TopUpSettingsStore) {}

  async evaluate(input: RiskInput, _s: CardDailyLimitSettings, history: RiskHistory): Promise<RiskSignal | undefined> {
    // The conformance suite's payments carry no metadata; a payment without `top_up` is not a top-up.
    if ((input.payment.metadata ?? {}).top_up === undefined || history.connection === undefined) return undefined;
    const settings = await this.settings.read(history.connection);
    if (settings === undefined || settings.merchant_id !== input.payment.merchantId) return undefined;
    const earlier = await history.attempts({ kind: 'card', value: input.card.fingerprint }, input.now - DAY_MS, 1000, input.payment.currency);
    const total = earlier.amount + input.payment.amount;
    return total > settings.daily_limit_per_card
      ? { score: 100, verdict: 'block', reason: `card's top-ups in 24 h would be ${total}, above the daily limit ${settings.daily_limit_per_card}` }
      : undefined;
  }
}
