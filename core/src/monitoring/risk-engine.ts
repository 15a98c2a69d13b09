import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, Transaction } from '../db/database';
import { TenderError } from '../errors/tender-error';
import { newId } from '../ids/ids';
import { MerchantContext } from '../merchants/merchant-context';
import { Payment, PaymentPatch } from '../payments/payment';
import { RiskRuleRegistry } from './risk-rule.registry';
import { RiskRuleSetRepository } from './risk-rule-set.repository';
import { effectiveSettings } from './risk-settings';
import { SqlRiskHistory } from './risk-history';
import { RiskSignal } from './risk-rule';
import { RiskAction, RiskAssessOptions, RiskAssessment, RiskCard, RiskCustomer, RiskReason, combine } from './risk-assessment';
import { RiskRecorder } from './risk-recorder';
import { RiskReviewRepository } from './risk-review';

/**
 * Transaction monitoring: every confirm is assessed after its input is validated
 * and before any bank is asked. `assess` only reads (rule sets and bounded history
 * queries); what it decided is written inside the confirm transaction by
 * `record` or `decline`, so a confirm that fails writes nothing.
 *
 * @example
 * ```ts
 * const risk = await engine.assess(ctx, payment, card, { ip: '203.0.113.7', email: 'buyer@example.com' }, { canChallenge: true });
 * // in the confirm transaction:
 * if (risk.action === 'block') return engine.decline(trx, current, risk);
 * ```
 */
@injectable()
export class RiskEngine {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(RiskRuleRegistry) private readonly rules: RiskRuleRegistry,
    @inject(RiskRuleSetRepository) private readonly ruleSets: RiskRuleSetRepository,
    @inject(RiskReviewRepository) private readonly reviews: RiskReviewRepository,
    @inject(RiskRecorder) private readonly recorder: RiskRecorder,
  ) {}

  /** `payment` is the caller's fresh read of the payment being confirmed (the engine does not read it again). */
  async assess(ctx: MerchantContext, payment: Payment, card: RiskCard, customer: RiskCustomer = {}, options: RiskAssessOptions = { canChallenge: false }): Promise<RiskAssessment> {
    const now = this.clock.now();
    const [operator, merchant] = await Promise.all([this.ruleSets.latest(this.db, { kind: 'operator' }), this.ruleSets.latest(this.db, { kind: 'merchant', ctx })]);
    const settings = effectiveSettings(this.rules, operator?.settings ?? {}, merchant?.settings ?? {});
    const input = { payment, card: { fingerprint: card.fingerprint, bin: card.bin, brand: card.brand }, ip: customer.ip, email: customer.email?.toLowerCase(), now };
    const history = new SqlRiskHistory(this.db, ctx);
    const enforcing: RiskSignal[] = [];
    const all: RiskSignal[] = [];
    const reasons: RiskReason[] = [];
    // One rule after another: each is a query or two, and SQLite has one connection anyway.
    for (const { rule, mode, settings: ruleSettings } of settings.rules) {
      const signal = await rule.evaluate(input, ruleSettings, history);
      if (signal === undefined) continue;
      const dryRun = settings.dryRun || mode === 'dry_run';
      all.push(signal);
      if (!dryRun) enforcing.push(signal);
      reasons.push({ rule: rule.code, score: signal.score, reason: signal.reason, dry_run: dryRun });
    }
    const { score, decision } = combine(enforcing, settings.thresholds);
    const action: RiskAction = decision === 'challenge' && !options.canChallenge ? settings.challengeFallback : decision;
    if (decision === 'challenge') {
      reasons.push({
        rule: 'engine',
        score: 0,
        reason: options.canChallenge
          ? 'challenge: 3-D Secure authentication is requested from the bank'
          : `challenge: 3-D Secure cannot be presented on this path (API confirm, or a bank without 3-D Secure), so the configured fallback '${action}' applies`,
        dry_run: false,
      });
    }
    return {
      id: newId('rsk'),
      paymentId: payment.id,
      score,
      decision,
      action,
      dryRunDecision: combine(all, settings.thresholds).decision,
      reasons,
      ruleSetVersions: { operator: operator?.version ?? 0, merchant: merchant?.version ?? 0 },
      card,
      ip: input.ip,
      email: input.email,
      review: settings.review,
      assessedAt: now,
    };
  }

  /** The payment columns that show the assessment (`risk` in the payment view and its events). */
  paymentPatch(risk: RiskAssessment): PaymentPatch {
    return { risk_score: risk.score, risk_decision: risk.action, risk_reasons: JSON.stringify(risk.reasons) };
  }

  /** Block: pending -> processing -> declined (fraud_suspected), with events, in the confirm transaction. No bank is asked. */
  decline(trx: Transaction, current: Payment, risk: RiskAssessment): Promise<Payment> {
    return this.recorder.decline(trx, current, risk, this.paymentPatch(risk));
  }

  /** Allow or review: records the assessment (and opens the review) in the confirm transaction. */
  record(trx: Transaction, payment: Payment, risk: RiskAssessment): Promise<void> {
    return this.recorder.record(trx, payment, risk);
  }

  /** After the bank answered (or after a block): keeps the outcome for the history, closes a pointless review, alerts. */
  settle(payment: Payment, risk: RiskAssessment): Promise<Payment> {
    return this.recorder.settle(payment, risk);
  }

  /** A capture must wait while a person has not approved the payment. */
  async assertCapturable(trx: Transaction, payment: Payment): Promise<void> {
    const open = await this.reviews.openForPayment(trx, payment, payment.id);
    if (open !== undefined) throw new TenderError('risk_review_pending', { message: `The payment is held for risk review ${open.id}; approve it first.` });
  }
}
