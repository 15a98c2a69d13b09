import type { EffectiveRiskSettings } from './risk-settings';
import type { CardTestingSettings } from './rules/card-testing.rule';
import type { DeclinesSettings } from './rules/declines.rule';
import type { VelocitySettings } from './rules/velocity.rule';
import type { AmountSettings } from './rules/amount.rule';

/** The small_amount a fresh install uses (CardTestingRule's default). */
const DEFAULT_SMALL_AMOUNT = 500;

/**
 * The widest window the built-in counting rules of `settings` ask about (card, IP and
 * e-mail keys): how far back an assessment reads the buckets. A plugin rule asking
 * about a longer window is answered from the row history instead, so this only
 * decides what one read can serve, never what is counted.
 *
 * @example
 * ```ts
 * widestWindowMs(effectiveSettings(registry, {}, {})); // 3_600_000 with the defaults
 * ```
 */
export function widestWindowMs(settings: EffectiveRiskSettings): number {
  let widest = 0;
  for (const { rule, settings: s } of settings.rules) {
    if (rule.code === 'declines') widest = Math.max(widest, (s as DeclinesSettings).window_seconds);
    if (rule.code === 'card_testing')
      widest = Math.max(widest, (s as CardTestingSettings).small_window_seconds, (s as CardTestingSettings).distinct_window_seconds);
    if (rule.code === 'velocity') for (const l of (s as VelocitySettings).limits) if (l.key !== 'merchant') widest = Math.max(widest, l.window_seconds);
  }
  return widest * 1000;
}

/** What an attempt's buckets count as small: the card_testing rule's small_amount (its default when the rule is off). */
export function smallAmountOf(settings: EffectiveRiskSettings): number {
  const testing = settings.rules.find((r) => r.rule.code === 'card_testing');
  return testing === undefined ? DEFAULT_SMALL_AMOUNT : (testing.settings as CardTestingSettings).small_amount;
}

/** The usual-ticket sample the amount rule will ask for, when the rule runs: its window and size. */
export function usualSampleOf(settings: EffectiveRiskSettings): { windowMs: number; sample: number } | undefined {
  const amount = settings.rules.find((r) => r.rule.code === 'amount');
  if (amount === undefined) return undefined;
  const s = amount.settings as AmountSettings;
  return { windowMs: s.unusual_window_seconds * 1000, sample: s.unusual_sample };
}
