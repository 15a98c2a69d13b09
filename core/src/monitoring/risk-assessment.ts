import { RiskDecision, RiskSignal } from './risk-rule';
import { EffectiveAlertSettings } from './risk-alert-settings';

/** The card as monitoring knows it: a keyed fingerprint and the masked parts, never the PAN. */
export interface RiskCard {
  readonly fingerprint: string;
  readonly brand: string;
  readonly bin: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
}

/** Who is paying: `customer: {ip, email}` on an API confirm; on the hosted page, the buyer's request IP and the payment's customer e-mail. */
export interface RiskCustomer {
  readonly ip?: string | undefined;
  readonly email?: string | undefined;
}

export interface RiskReason {
  readonly rule: string;
  readonly score: number;
  readonly reason: string;
  /** True when the rule (or the whole rule set) runs in dry-run mode: recorded, not acted on. */
  readonly dry_run: boolean;
}

/**
 * What Tender does with the payment. `challenge` asks the bank for 3-D Secure
 * authentication; it is chosen only when the buyer can be shown a challenge (the
 * hosted page, an adapter with 3-D Secure), else the rule set's fallback applies.
 */
export type RiskAction = 'allow' | 'challenge' | 'review' | 'block';

/** Whether this confirm can put a 3-D Secure challenge in front of the buyer. */
export interface RiskAssessOptions {
  readonly canChallenge: boolean;
}

/** One assessment, computed before anything is written. */
export interface RiskAssessment {
  readonly id: string;
  readonly paymentId: string;
  readonly score: number;
  /** The decision of the enforcing rules. */
  readonly decision: RiskDecision;
  readonly action: RiskAction;
  /** The decision had every rule been enforcing (what dry-run is for). */
  readonly dryRunDecision: RiskDecision;
  readonly reasons: readonly RiskReason[];
  readonly ruleSetVersions: { readonly operator: number; readonly merchant: number };
  readonly card: RiskCard;
  readonly ip: string | undefined;
  readonly email: string | undefined;
  readonly review: { readonly expireAfterSeconds: number; readonly expireDecision: 'approve' | 'reject' };
  /** The alert settings of the rule sets it ran with (alerts are decided after the outcome). */
  readonly alerts: EffectiveAlertSettings;
  /** The card_testing rule's `small_amount` it ran with: the attempt's buckets count it as small at or under it. */
  readonly smallAmount: number;
  readonly assessedAt: number;
}

/**
 * Signals to a decision: a block verdict wins, then an allow verdict, then the
 * summed score against the thresholds.
 *
 * @example
 * ```ts
 * combine([{ score: 60, reason: 'velocity' }], { challenge: 50, review: 75, block: 100 }); // { score: 60, decision: 'challenge' }
 * ```
 */
export function combine(signals: readonly RiskSignal[], t: { challenge: number; review: number; block: number }): { score: number; decision: RiskDecision } {
  const score = signals.reduce((sum, s) => sum + s.score, 0);
  if (signals.some((s) => s.verdict === 'block')) return { score, decision: 'block' };
  if (signals.some((s) => s.verdict === 'allow')) return { score, decision: 'allow' };
  const decision: RiskDecision = score >= t.block ? 'block' : score >= t.review ? 'review' : score >= t.challenge ? 'challenge' : 'allow';
  return { score, decision };
}
