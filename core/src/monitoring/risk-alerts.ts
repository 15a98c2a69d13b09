/** Injection token of the RiskAlertSink (the last registration wins, so a plugin can replace it). */
export const RISK_ALERT_SINK = Symbol('RiskAlertSink');

export interface RiskAlert {
  readonly type: 'risk.blocked' | 'risk.review_opened';
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly paymentId: string;
  readonly score: number;
  readonly reasons: readonly string[];
}

/**
 * Where risk alerts go beyond the event outbox: the seam for e-mail or paging
 * (the notifications work plugs in here). Called after the decision is committed;
 * a failing sink is logged and never affects the payment.
 *
 * @example
 * ```ts
 * class MailRiskAlerts implements RiskAlertSink {
 *   async notify(alert: RiskAlert) { await mailer.send(opsAddress, `${alert.type} ${alert.paymentId}`, alert.reasons.join('\n')); }
 * }
 * container.register(RISK_ALERT_SINK, { useValue: new MailRiskAlerts() });
 * ```
 */
export interface RiskAlertSink {
  notify(alert: RiskAlert): Promise<void>;
}

/** The default: the `risk.blocked` / `risk.review_opened` events in the outbox are the alert. */
export class EventOnlyRiskAlerts implements RiskAlertSink {
  async notify(): Promise<void> {}
}
