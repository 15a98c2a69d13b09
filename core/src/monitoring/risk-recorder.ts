import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { CONFIG } from '../config/tokens';
import { TenderConfig } from '../config/config';
import { DATABASE, Database, Transaction } from '../db/database';
import { inTransaction } from '../db/transaction';
import { newId } from '../ids/ids';
import { LOGGER, Logger } from '../logging/logger';
import { EventOutbox } from '../notifications/event-outbox';
import { Payment, PaymentPatch } from '../payments/payment';
import { PaymentStateWriter } from '../payments/payment-state-writer';
import { paymentView } from '../payments/payment-view';
import { AssessmentOutcome, RiskAssessmentRepository } from './risk-assessment.repository';
import { outcomeOf } from './risk-outcome-recorder';
import { RiskAssessment } from './risk-assessment';
import { RiskReviewRepository } from './risk-review';
import { RISK_ALERT_SINK, RiskAlertSink } from './risk-alerts';
import { RiskPatternAlerts } from './risk-pattern-alerts';
import { BucketAttempt, RiskKeyBuckets } from './risk-buckets';

const FRAUD_MESSAGE = 'The payment was declined as suspected fraud.';

/** Writes what the engine decided: assessment rows, blocked payments, reviews, their events and alerts. */
@injectable()
export class RiskRecorder {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CONFIG) private readonly config: TenderConfig,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(PaymentStateWriter) private readonly writer: PaymentStateWriter,
    @inject(EventOutbox) private readonly outbox: EventOutbox,
    @inject(RiskAssessmentRepository) private readonly assessments: RiskAssessmentRepository,
    @inject(RiskReviewRepository) private readonly reviews: RiskReviewRepository,
    @inject(RISK_ALERT_SINK) private readonly alerts: RiskAlertSink,
    @inject(RiskPatternAlerts) private readonly patternAlerts: RiskPatternAlerts,
  ) {}

  private readonly buckets = new RiskKeyBuckets();

  async decline(trx: Transaction, current: Payment, risk: RiskAssessment, riskPatch: PaymentPatch): Promise<Payment> {
    const now = this.clock.now();
    const { card } = risk;
    const processing = await this.writer.change(
      trx,
      current,
      {
        status: 'processing',
        card_token: null,
        card_fingerprint: card.fingerprint,
        card_brand: card.brand,
        card_bin: card.bin,
        card_last4: card.last4,
        card_exp_month: card.expMonth,
        card_exp_year: card.expYear,
        failure_code: null,
        failure_message: null,
        ...riskPatch,
      },
      now,
      'confirm this payment',
    );
    const declined = await this.writer.change(trx, processing, { status: 'declined', failure_code: 'fraud_suspected', failure_message: FRAUD_MESSAGE }, now);
    await this.assessments.insert(trx, this.row(declined, risk, 'blocked', now));
    await this.buckets.add(trx, declined, this.attempt(declined, risk, false));
    await this.outbox.record(trx, {
      merchantId: declined.merchantId,
      livemode: declined.livemode,
      type: 'risk.blocked',
      objectType: 'payment',
      objectId: declined.id,
      data: paymentView(declined, this.config.publicUrl),
    });
    return declined;
  }

  async record(trx: Transaction, payment: Payment, risk: RiskAssessment): Promise<void> {
    const now = this.clock.now();
    await this.assessments.insert(trx, this.row(payment, risk, 'pending', now));
    await this.buckets.add(trx, payment, this.attempt(payment, risk, true));
    if (risk.action !== 'review') return;
    // The hold exists from the start, so a capture can never slip in, even when the
    // authorization's outcome is only learned later by the reconciler.
    await this.reviews.insert(trx, {
      id: newId('rrv'),
      merchant_id: payment.merchantId,
      livemode: payment.livemode,
      payment_id: payment.id,
      assessment_id: risk.id,
      status: 'open',
      score: risk.score,
      reasons: JSON.stringify(risk.reasons),
      card_fingerprint: risk.card.fingerprint,
      ip: risk.ip ?? null,
      email: risk.email ?? null,
      amount: payment.amount,
      currency: payment.currency,
      expires_at: now + risk.review.expireAfterSeconds * 1000,
      expire_decision: risk.review.expireDecision,
      created_at: now,
      updated_at: now,
    });
    await this.outbox.record(trx, {
      merchantId: payment.merchantId,
      livemode: payment.livemode,
      type: 'risk.review_opened',
      objectType: 'payment',
      objectId: payment.id,
      data: paymentView(payment, this.config.publicUrl),
    });
  }

  async settle(payment: Payment, risk: RiskAssessment): Promise<Payment> {
    const outcome = outcomeOf(payment);
    if (risk.action === 'review' && (outcome === 'declined' || outcome === 'failed')) {
      // Nothing was authorized, so there is nothing left to review.
      await inTransaction(this.db, async (trx) => {
        const open = await this.reviews.openForPayment(trx, payment, payment.id);
        if (open !== undefined) await this.reviews.decide(trx, open, 'canceled', 'system', this.clock.now());
      });
    }
    if (risk.action === 'block' || risk.action === 'review') {
      const alert = {
        type: risk.action === 'block' ? 'risk.blocked' : 'risk.review_opened',
        merchantId: payment.merchantId,
        livemode: payment.livemode,
        paymentId: payment.id,
        score: risk.score,
        reasons: risk.reasons.map((r) => `${r.rule}: ${r.reason}`),
      } as const;
      await this.alerts
        .notify(alert)
        .catch((error: unknown) =>
          this.logger.error({ payment: payment.id, error: error instanceof Error ? error.message : String(error) }, 'risk alert failed'),
        );
    }
    // Alert e-mails are a notice, not part of the payment: a failure is logged only.
    await this.patternAlerts
      .observe(payment, risk)
      .catch((error: unknown) =>
        this.logger.error({ payment: payment.id, error: error instanceof Error ? error.message : String(error) }, 'risk alert e-mail failed'),
      );
    return payment;
  }

  /** What the attempt adds to its keys' counters, in the transaction that writes its assessment. */
  private attempt(payment: Payment, risk: RiskAssessment, pending: boolean): BucketAttempt {
    return {
      cardFingerprint: risk.card.fingerprint,
      ip: risk.ip,
      email: risk.email,
      amount: payment.amount,
      currency: payment.currency,
      pending,
      small: payment.amount <= risk.smallAmount,
      at: risk.assessedAt,
    };
  }

  private row(payment: Payment, risk: RiskAssessment, outcome: AssessmentOutcome, now: number) {
    return {
      id: risk.id,
      merchant_id: payment.merchantId,
      livemode: payment.livemode,
      payment_id: payment.id,
      card_fingerprint: risk.card.fingerprint,
      card_bin: risk.card.bin,
      ip: risk.ip ?? null,
      email: risk.email ?? null,
      amount: payment.amount,
      currency: payment.currency,
      score: risk.score,
      decision: risk.decision,
      action: risk.action,
      dry_run_decision: risk.dryRunDecision,
      reasons: JSON.stringify(risk.reasons),
      rule_set_versions: `operator:${risk.ruleSetVersions.operator},merchant:${risk.ruleSetVersions.merchant}`,
      outcome,
      created_at: risk.assessedAt,
      updated_at: now,
    };
  }
}
