import { z } from 'zod';
import { TenderError } from '../errors/tender-error';
import { fields, parseInput } from '../http/validation';
import { assertAcceptableBody } from '../http/body-parsing';
import { RiskRule } from './risk-rule';
import { RiskRuleRegistry } from './risk-rule.registry';
import { EffectiveAlertSettings, alertsSchema, effectiveAlerts } from './risk-alert-settings';

const commonRuleSchema = z.object({ enabled: z.boolean(), mode: z.enum(['enforce', 'dry_run']) }).partial();
type CommonRuleSettings = z.output<typeof commonRuleSchema>;

/**
 * A rule set as the API accepts it (operator-wide or one merchant's). Every field is
 * optional: what is left out falls back to the operator's set, then to the defaults.
 */
export const ruleSetSchema = z
  .object({
    dry_run: z.boolean().optional(),
    thresholds: z
      .object({ challenge: z.number().int().min(1).max(10000), review: z.number().int().min(1).max(10000), block: z.number().int().min(1).max(10000) })
      .partial()
      .strict()
      .optional(),
    challenge_fallback: z.enum(['allow', 'review', 'block']).optional(),
    review: z
      .object({
        expire_after_seconds: z
          .number()
          .int()
          .min(60)
          .max(30 * 86400),
        expire_decision: z.enum(['approve', 'reject']),
      })
      .partial()
      .strict()
      .optional(),
    rules: z.record(fields.identifier(64), z.record(z.unknown())).optional(),
    alerts: alertsSchema.optional(),
  })
  .strict();

export type RuleSetInput = z.output<typeof ruleSetSchema>;

/** The settings one assessment runs with, after operator and merchant sets are combined. */
export interface EffectiveRiskSettings {
  readonly dryRun: boolean;
  readonly thresholds: { readonly challenge: number; readonly review: number; readonly block: number };
  /** What a `challenge` becomes where 3-D Secure cannot be presented (API confirm, an adapter without 3-D Secure). */
  readonly challengeFallback: 'allow' | 'review' | 'block';
  readonly review: { readonly expireAfterSeconds: number; readonly expireDecision: 'approve' | 'reject' };
  readonly rules: ReadonlyArray<{ readonly rule: RiskRule; readonly mode: 'enforce' | 'dry_run'; readonly settings: object }>;
  /** Alert e-mails when a pattern crosses its threshold. */
  readonly alerts: EffectiveAlertSettings;
}

export const DEFAULT_THRESHOLDS = { challenge: 50, review: 75, block: 100 } as const;

/** Checks a rule set against the registered rules; errors name the field, e.g. `rules.velocity.limits`. */
export function validateRuleSet(body: unknown, registry: RiskRuleRegistry): RuleSetInput {
  // Rule sets also come as JSON typed into the dashboard and the console, which no body parser has checked.
  assertAcceptableBody(body);
  const input = parseInput(ruleSetSchema, body);
  const t = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  if (!(t.challenge <= t.review && t.review <= t.block)) {
    throw new TenderError('parameter_invalid', { param: 'thresholds', message: 'Thresholds must satisfy challenge <= review <= block.' });
  }
  const rules: Record<string, Record<string, unknown>> = {};
  for (const [code, raw] of Object.entries(input.rules ?? {})) {
    const rule = registry.get(code);
    if (rule === undefined) {
      throw new TenderError('parameter_invalid', {
        param: `rules.${code}`,
        message: `No risk rule has the code '${code}' (known: ${registry
          .all()
          .map((r) => r.code)
          .join(', ')}).`,
      });
    }
    const { enabled, mode, ...own } = raw;
    const common = prefixed(`rules.${code}`, () => parseInput(commonRuleSchema, { enabled, mode }));
    // The parsed form is stored, so normalisations (lower-cased e-mails) apply.
    rules[code] = JSON.parse(JSON.stringify({ ...common, ...prefixed(`rules.${code}`, () => parseInput(rule.settingsSchema, own)) })) as Record<
      string,
      unknown
    >;
  }
  return input.rules === undefined ? input : { ...input, rules };
}

function prefixed<T>(prefix: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof TenderError) {
      const param = error.param === undefined ? prefix : `${prefix}.${error.param}`;
      throw new TenderError(error.code, { param, message: error.message.replace(/^Invalid /, `Invalid ${prefix}.`) });
    }
    throw error;
  }
}

/** Defaults, then the operator's set, then the merchant's. */
export function effectiveSettings(registry: RiskRuleRegistry, operator: RuleSetInput, merchant: RuleSetInput): EffectiveRiskSettings {
  const rules = registry.all().flatMap((rule) => {
    const { enabled: oe, mode: om, ...oRest } = (operator.rules?.[rule.code] ?? {}) as CommonRuleSettings & Record<string, unknown>;
    const { enabled: me, mode: mm, ...mRest } = (merchant.rules?.[rule.code] ?? {}) as CommonRuleSettings & Record<string, unknown>;
    if (!(me ?? oe ?? true)) return [];
    const combined = rule.combine !== undefined ? rule.combine(oRest, mRest) : { ...oRest, ...mRest };
    return [{ rule, mode: mm ?? om ?? 'enforce', settings: { ...rule.defaults, ...combined } }];
  });
  return {
    dryRun: merchant.dry_run ?? operator.dry_run ?? false,
    thresholds: { ...DEFAULT_THRESHOLDS, ...operator.thresholds, ...merchant.thresholds },
    challengeFallback: merchant.challenge_fallback ?? operator.challenge_fallback ?? 'review',
    review: {
      expireAfterSeconds: merchant.review?.expire_after_seconds ?? operator.review?.expire_after_seconds ?? 86400,
      expireDecision: merchant.review?.expire_decision ?? operator.review?.expire_decision ?? 'reject',
    },
    rules,
    alerts: effectiveAlerts(operator.alerts, merchant.alerts),
  };
}
