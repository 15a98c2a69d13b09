import { DependencyContainer } from 'tsyringe';
import { registerBuiltInRiskRules } from './rules/built-in-rules';
import { EventOnlyRiskAlerts, RISK_ALERT_SINK, RiskAlertSink } from './risk-alerts';
import { RiskRuleRegistry } from './risk-rule.registry';
import { RiskEngine } from './risk-engine';
import { RiskReviewService } from './risk-review.service';
import { RiskRuleSetService } from './risk-rule-set.service';

/** Monitoring services worth building once per gateway. */
export const MONITORING_SINGLETONS = [RiskRuleRegistry, RiskEngine, RiskReviewService, RiskRuleSetService] as const;

/**
 * Registers the built-in rules and the default alert sink. Called before plugins
 * register, so a plugin can add rules (`RISK_RULE`) or replace the sink.
 */
export function registerMonitoring(container: DependencyContainer): void {
  registerBuiltInRiskRules(container);
  container.register<RiskAlertSink>(RISK_ALERT_SINK, { useValue: new EventOnlyRiskAlerts() });
}

/** How often open reviews past their deadline are decided. */
export const REVIEW_EXPIRY_INTERVAL_MS = 60_000;
