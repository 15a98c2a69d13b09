import { PreviewedPayment, RiskRulePreview, RiskRuleSetService, TenderError, formatAmount } from '@tender/core';
import { RuleShape, fieldOfParam, settingsFromForm } from './risk-rules-form';

type RuleSetScope = Parameters<RiskRuleSetService['replace']>[0];

/** What a submitted rules form came to: saved, refused field by field (nothing saved), or a dry run to show (nothing saved). */
export type RulesSubmission =
  | { readonly kind: 'saved' }
  | { readonly kind: 'refused'; readonly status: number; readonly errors: Record<string, string> }
  | { readonly kind: 'preview'; readonly preview: RulesPreviewView };

/** A dry run for the page: counts by what the proposed rules would do, and the payments whose outcome changes first. */
export interface RulesPreviewView {
  readonly count: number;
  readonly flag: number;
  readonly hold: number;
  readonly decline: number;
  readonly changed: number;
  readonly rows: ReadonlyArray<{
    payment_id: string;
    merchant_id: string;
    amount_text: string;
    recorded: string;
    proposed: string;
    score: number;
    reasons: string;
    changed: boolean;
  }>;
}

const DEFAULT_PREVIEW = 50;

/**
 * Handles a POST of the risk-rules form (dashboard and console alike): `intent=preview`
 * runs the proposed rules over the last `preview_limit` payments (RiskRulePreview),
 * anything else saves them as a new version. Both read the fields the same way and
 * refuse bad input before anything is written.
 *
 * @example
 * ```ts
 * const outcome = await submitRules(formOf(req), { scope, rules, ruleSets, preview, locale: 'ru' });
 * ```
 */
export async function submitRules(
  form: Readonly<Record<string, string>>,
  deps: { scope: RuleSetScope; rules: readonly RuleShape[]; ruleSets: RiskRuleSetService; preview: RiskRulePreview; locale: string; auditActor?: string },
): Promise<RulesSubmission> {
  const parsed = settingsFromForm(form, deps.rules);
  if ('errors' in parsed) return { kind: 'refused', status: 400, errors: parsed.errors };
  try {
    if (form.intent === 'preview') {
      const limit = /^\d{1,3}$/.test(form.preview_limit ?? '') ? Number(form.preview_limit) : DEFAULT_PREVIEW;
      return { kind: 'preview', preview: previewView(await deps.preview.run(deps.scope, parsed.body, limit), deps.locale) };
    }
    await deps.ruleSets.replace(deps.scope, parsed.body, deps.auditActor);
    return { kind: 'saved' };
  } catch (error) {
    if (!(error instanceof TenderError)) throw error;
    return { kind: 'refused', status: error.status, errors: { [fieldOfParam(error.param, deps.rules)]: error.message } };
  }
}

function previewView(rows: readonly PreviewedPayment[], locale: string): RulesPreviewView {
  const shown = rows.map((r) => ({
    payment_id: r.paymentId,
    merchant_id: r.merchantId,
    amount_text: formatAmount(r.amount, r.currency, locale),
    recorded: r.recorded,
    proposed: r.proposed.action,
    score: r.proposed.score,
    reasons: r.proposed.reasons.map((x) => `${x.rule}: ${x.reason}${x.dry_run ? ' (dry run)' : ''}`).join('; '),
    changed: r.proposed.action !== r.recorded,
  }));
  return {
    count: rows.length,
    flag: rows.filter((r) => r.proposed.decision === 'challenge').length,
    hold: rows.filter((r) => r.proposed.action === 'review').length,
    decline: rows.filter((r) => r.proposed.action === 'block').length,
    changed: shown.filter((r) => r.changed).length,
    // Changed outcomes first: what the new rules would do differently is the point of the preview.
    rows: [...shown.filter((r) => r.changed), ...shown.filter((r) => !r.changed)],
  };
}
