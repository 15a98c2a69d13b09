import { z } from 'zod';

/** The languages templates/email/locales has (as TENDER_EMAIL_LOCALE). */
export const ALERT_LOCALES = ['en', 'ru', 'ar'] as const;

/** Patterns that send an alert e-mail when they cross their threshold (docs/risk.md, "Alert e-mails"). */
export const ALERT_PATTERNS = ['card_testing', 'declines', 'blocks'] as const;
export type AlertPattern = (typeof ALERT_PATTERNS)[number];

const windowSeconds = z
  .number()
  .int()
  .min(60)
  .max(30 * 86400);

/** `alerts` in a rule set (operator-wide or one merchant's); every field optional. */
export const alertsSchema = z
  .object({
    /** Alert e-mails to the merchant's address (merchants.email). */
    email_merchant: z.boolean(),
    /** Alert e-mails to the operator (TENDER_RISK_ALERT_EMAIL); only the operator's rule set may set it. */
    email_operator: z.boolean(),
    /** The language of the merchant's alert e-mails. */
    locale: z.enum(ALERT_LOCALES),
    patterns: z
      .object({
        card_testing: z.object({ enabled: z.boolean(), window_seconds: windowSeconds }).partial().strict(),
        declines: z.object({ enabled: z.boolean(), window_seconds: windowSeconds }).partial().strict(),
        blocks: z
          .object({ enabled: z.boolean(), threshold: z.number().int().min(1).max(10000), window_seconds: windowSeconds })
          .partial()
          .strict(),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

export type AlertsInput = z.output<typeof alertsSchema>;

export interface PatternSettings {
  readonly enabled: boolean;
  /** How many crossings it takes (1 for rule patterns: the rule's own thresholds are the crossing). */
  readonly threshold: number;
  /** At most one e-mail per pattern and subject in this many seconds. */
  readonly windowSeconds: number;
}

export interface EffectiveAlertSettings {
  readonly emailMerchant: boolean;
  readonly emailOperator: boolean;
  /** undefined: the gateway's TENDER_EMAIL_LOCALE. */
  readonly locale: string | undefined;
  readonly patterns: Readonly<Record<AlertPattern, PatternSettings>>;
}

export const DEFAULT_ALERTS: EffectiveAlertSettings = {
  emailMerchant: true,
  emailOperator: true,
  locale: undefined,
  patterns: {
    card_testing: { enabled: true, threshold: 1, windowSeconds: 3600 },
    declines: { enabled: true, threshold: 1, windowSeconds: 3600 },
    blocks: { enabled: true, threshold: 10, windowSeconds: 3600 },
  },
};

/**
 * Defaults, then the operator's `alerts`, then the merchant's, field by field; whether
 * the operator is mailed is the operator's choice alone.
 *
 * @example
 * ```ts
 * effectiveAlerts({ email_operator: false }, { locale: 'ru', patterns: { blocks: { threshold: 3 } } }).patterns.blocks.threshold; // 3
 * ```
 */
export function effectiveAlerts(operator: AlertsInput = {}, merchant: AlertsInput = {}): EffectiveAlertSettings {
  const pattern = (code: AlertPattern): PatternSettings => {
    const d = DEFAULT_ALERTS.patterns[code];
    const o = operator.patterns?.[code] as { enabled?: boolean; threshold?: number; window_seconds?: number } | undefined;
    const m = merchant.patterns?.[code] as { enabled?: boolean; threshold?: number; window_seconds?: number } | undefined;
    return {
      enabled: m?.enabled ?? o?.enabled ?? d.enabled,
      threshold: m?.threshold ?? o?.threshold ?? d.threshold,
      windowSeconds: m?.window_seconds ?? o?.window_seconds ?? d.windowSeconds,
    };
  };
  return {
    emailMerchant: merchant.email_merchant ?? operator.email_merchant ?? DEFAULT_ALERTS.emailMerchant,
    emailOperator: operator.email_operator ?? DEFAULT_ALERTS.emailOperator,
    locale: merchant.locale ?? operator.locale,
    patterns: { card_testing: pattern('card_testing'), declines: pattern('declines'), blocks: pattern('blocks') },
  };
}
