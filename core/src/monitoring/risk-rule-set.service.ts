import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database } from '../db/database';
import { inTransaction } from '../db/transaction';
import { AuditLog } from '../audit/audit-log';
import { TenderError } from '../errors/tender-error';
import { RiskRuleRegistry } from './risk-rule.registry';
import { RiskRuleSetRepository, RuleSetScope, StoredRuleSet } from './risk-rule-set.repository';
import { EffectiveRiskSettings, RuleSetInput, effectiveSettings, validateRuleSet } from './risk-settings';

/**
 * Reads and changes rule sets (operator-wide or per merchant). Each change is
 * validated against the registered rules and stored as a new version.
 */
@injectable()
export class RiskRuleSetService {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(RiskRuleRegistry) private readonly registry: RiskRuleRegistry,
    @inject(RiskRuleSetRepository) private readonly ruleSets: RiskRuleSetRepository,
    @inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  async current(scope: RuleSetScope): Promise<Record<string, unknown>> {
    const own = await this.ruleSets.latest(this.db, scope);
    return this.view(scope, own ?? { version: 0, settings: {}, createdAt: 0 });
  }

  /** `auditActor` (operator changes) writes an audit entry in the same transaction as the new version. */
  async replace(scope: RuleSetScope, body: unknown, auditActor?: string): Promise<Record<string, unknown>> {
    const settings = validateRuleSet(body, this.registry);
    if (scope.kind === 'merchant' && settings.alerts?.email_operator !== undefined) {
      throw new TenderError('parameter_invalid', {
        param: 'alerts.email_operator',
        message: "Only the operator's rule set decides whether the operator is e-mailed.",
      });
    }
    const stored = await inTransaction(this.db, async (trx) => {
      const appended = await this.ruleSets.append(trx, scope, settings, this.clock.now());
      if (auditActor !== undefined) {
        const merchantId = scope.kind === 'merchant' ? scope.ctx.merchantId : undefined;
        await this.audit.record(trx, {
          actor: auditActor,
          action: 'risk_rules.replace',
          merchantId,
          objectType: 'risk_rule_set',
          objectId: merchantId ?? 'operator',
          data: { version: appended.version, settings },
        });
      }
      return appended;
    });
    return this.view(scope, stored);
  }

  async versions(scope: RuleSetScope, limit: number): Promise<Array<Record<string, unknown>>> {
    return (await this.ruleSets.versions(this.db, scope, limit)).map((v) => ({
      object: 'risk_rule_set',
      version: v.version,
      settings: v.settings,
      created_at: new Date(v.createdAt).toISOString(),
    }));
  }

  private async view(scope: RuleSetScope, own: StoredRuleSet): Promise<Record<string, unknown>> {
    const operator: RuleSetInput = scope.kind === 'operator' ? own.settings : ((await this.ruleSets.latest(this.db, { kind: 'operator' }))?.settings ?? {});
    const merchant: RuleSetInput = scope.kind === 'operator' ? {} : own.settings;
    return {
      object: 'risk_rule_set',
      scope: scope.kind,
      version: own.version,
      settings: own.settings,
      created_at: own.createdAt === 0 ? null : new Date(own.createdAt).toISOString(),
      effective: effectiveView(effectiveSettings(this.registry, operator, merchant), this.registry),
    };
  }
}

/** The settings an assessment would run with now, in API form (disabled rules listed as such). */
function effectiveView(e: EffectiveRiskSettings, registry: RiskRuleRegistry): Record<string, unknown> {
  const rules: Record<string, unknown> = {};
  for (const rule of registry.all()) {
    const active = e.rules.find((r) => r.rule.code === rule.code);
    rules[rule.code] = active === undefined ? { enabled: false } : { enabled: true, mode: active.mode, ...active.settings };
  }
  return {
    dry_run: e.dryRun,
    thresholds: e.thresholds,
    challenge_fallback: e.challengeFallback,
    review: { expire_after_seconds: e.review.expireAfterSeconds, expire_decision: e.review.expireDecision },
    rules,
    alerts: {
      email_merchant: e.alerts.emailMerchant,
      email_operator: e.alerts.emailOperator,
      locale: e.alerts.locale ?? null,
      patterns: Object.fromEntries(
        Object.entries(e.alerts.patterns).map(([code, p]) => [
          code,
          code === 'blocks'
            ? { enabled: p.enabled, threshold: p.threshold, window_seconds: p.windowSeconds }
            : { enabled: p.enabled, window_seconds: p.windowSeconds },
        ]),
      ),
    },
  };
}
