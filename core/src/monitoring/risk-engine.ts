import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, Queryable, Transaction } from '../db/database';
import { TenderError } from '../errors/tender-error';
import { newId } from '../ids/ids';
import { MerchantContext } from '../merchants/merchant-context';
import { Payment, PaymentPatch } from '../payments/payment';
import { RiskRuleRegistry } from './risk-rule.registry';
import { RiskRuleSetRepository } from './risk-rule-set.repository';
import { EffectiveRiskSettings, effectiveSettings } from './risk-settings';
import { RiskKeyLocks, lockKeysOf } from './risk-key-locks';
import { normalizeIp } from './ip-ranges';
import { BucketedRiskHistory } from './bucketed-risk-history';
import { smallAmountOf, usualSampleOf, widestWindowMs } from './risk-windows';
import { HistoryKey, RiskInput, RiskSignal } from './risk-rule';
import { RiskAction, RiskAssessOptions, RiskAssessment, RiskCard, RiskCustomer, RiskReason, combine } from './risk-assessment';
import { RiskRecorder } from './risk-recorder';
import { RiskReviewRepository } from './risk-review';

/** What the rules of `settings` decide for one attempt. */
export interface RiskVerdict {
  readonly score: number;
  readonly decision: RiskAssessment['decision'];
  readonly action: RiskAction;
  readonly dryRunDecision: RiskAssessment['decision'];
  readonly reasons: RiskReason[];
}

/**
 * The rules of `settings` over one attempt, reading the merchant's history through
 * `q` and writing nothing: the engine's assessment and the rule-set preview
 * (RiskRulePreview) both decide through it.
 */
export async function decideWith(
  q: Queryable,
  ctx: MerchantContext,
  settings: EffectiveRiskSettings,
  input: RiskInput,
  options: RiskAssessOptions,
): Promise<RiskVerdict> {
  // One read of the attempt's buckets over the widest window; the rules ask it in memory.
  const usual = usualSampleOf(settings);
  const sample = usual === undefined ? undefined : { currency: input.payment.currency, since: input.now - usual.windowMs, sample: usual.sample };
  const history = await BucketedRiskHistory.load(
    q,
    ctx,
    { card: input.card.fingerprint, ip: input.ip, email: input.email },
    input.now - widestWindowMs(settings),
    input.now,
    sample,
  );
  const enforcing: RiskSignal[] = [];
  const all: RiskSignal[] = [];
  const reasons: RiskReason[] = [];
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
  return { score, decision, action, dryRunDecision: combine(all, settings.thresholds).decision, reasons };
}

/** What an assessment needs before it may read the history: the rule sets and the keys to serialize on. */
export interface PreparedRisk {
  readonly ctx: MerchantContext;
  readonly card: RiskCard;
  readonly ip: string | undefined;
  readonly email: string | undefined;
  readonly settings: EffectiveRiskSettings;
  readonly ruleSetVersions: { readonly operator: number; readonly merchant: number };
  /** Lock rows (risk_key_locks) of the history keys this assessment is serialized on. */
  readonly lockKeys: readonly string[];
}

/**
 * Transaction monitoring: every confirm is assessed after its input is validated
 * and before any bank is asked. The confirm path runs it in two steps: `prepare`
 * (before the transaction: rule sets, lock rows) and `assessLocked` (first thing in
 * the confirm transaction: lock the attempt's history keys, then read the history),
 * so simultaneous confirms with one card, IP or e-mail are assessed one after the
 * other and thresholds hold (docs/risk.md, "Concurrency"). What it decided is written
 * in that same transaction by `record` or `decline`, so a confirm that fails writes
 * nothing. `assess` is the unserialized form (benchmarks, dry tooling).
 *
 * @example
 * ```ts
 * const prepared = await engine.prepare(ctx, card, { ip: '203.0.113.7', email: 'buyer@example.com' });
 * await inTransaction(db, async (trx) => {
 *   const risk = await engine.assessLocked(trx, prepared, payment, { canChallenge: true });
 *   if (risk.action === 'block') return engine.decline(trx, current, risk, method.type);
 * });
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
    @inject(RiskKeyLocks) private readonly locks: RiskKeyLocks,
  ) {}

  /** Reads the rule sets and makes sure the lock rows of the attempt's keys exist (outside any transaction). */
  async prepare(ctx: MerchantContext, card: RiskCard, customer: RiskCustomer = {}): Promise<PreparedRisk> {
    const { operator, merchant } = await this.ruleSets.latestBothCached(this.db, ctx);
    const settings = effectiveSettings(this.rules, operator?.settings ?? {}, merchant?.settings ?? {});
    const ip = customer.ip === undefined ? undefined : normalizeIp(customer.ip);
    const email = customer.email?.toLowerCase();
    const keys: HistoryKey[] = [{ kind: 'card', value: card.fingerprint }];
    if (ip !== undefined) keys.push({ kind: 'ip', value: ip });
    if (email !== undefined) keys.push({ kind: 'email', value: email });
    if (enforcesMerchantLimit(settings)) keys.push({ kind: 'merchant' });
    // Nothing is enforced in a dry-run rule set, so there is no threshold to hold.
    const lockKeys = settings.dryRun ? [] : lockKeysOf(keys);
    await this.locks.ensure(this.db, ctx, lockKeys, this.clock.now());
    return { ctx, card, ip, email, settings, ruleSetVersions: { operator: operator?.version ?? 0, merchant: merchant?.version ?? 0 }, lockKeys };
  }

  /**
   * Locks the prepared keys in `trx`, then assesses reading the history through
   * `trx`. Must be the transaction's first read: on MariaDB the snapshot of a
   * REPEATABLE READ transaction starts at its first plain read, which must come after
   * the lock, so it sees the attempts of whoever held the lock before.
   */
  async assessLocked(
    trx: Transaction,
    prepared: PreparedRisk,
    payment: Payment,
    options: RiskAssessOptions = { canChallenge: false },
  ): Promise<RiskAssessment> {
    await this.locks.lock(trx, prepared.ctx, prepared.lockKeys);
    return this.evaluate(trx, prepared, payment, options);
  }

  /** `payment` is the caller's fresh read of the payment being confirmed (the engine does not read it again). Not serialized. */
  async assess(
    ctx: MerchantContext,
    payment: Payment,
    card: RiskCard,
    customer: RiskCustomer = {},
    options: RiskAssessOptions = { canChallenge: false },
  ): Promise<RiskAssessment> {
    const { operator, merchant } = await this.ruleSets.latestBothCached(this.db, ctx);
    const settings = effectiveSettings(this.rules, operator?.settings ?? {}, merchant?.settings ?? {});
    const prepared: PreparedRisk = {
      ctx,
      card,
      ip: customer.ip === undefined ? undefined : normalizeIp(customer.ip),
      email: customer.email?.toLowerCase(),
      settings,
      ruleSetVersions: { operator: operator?.version ?? 0, merchant: merchant?.version ?? 0 },
      lockKeys: [],
    };
    return this.evaluate(this.db, prepared, payment, options);
  }

  private async evaluate(q: Queryable, prepared: PreparedRisk, payment: Payment, options: RiskAssessOptions): Promise<RiskAssessment> {
    const now = this.clock.now();
    const { settings, card } = prepared;
    const input = { payment, card: { fingerprint: card.fingerprint, bin: card.bin, brand: card.brand }, ip: prepared.ip, email: prepared.email, now };
    const { score, decision, action, dryRunDecision, reasons } = await decideWith(q, prepared.ctx, settings, input, options);
    return {
      id: newId('rsk'),
      paymentId: payment.id,
      score,
      decision,
      action,
      dryRunDecision,
      reasons,
      ruleSetVersions: prepared.ruleSetVersions,
      card,
      ip: prepared.ip,
      email: prepared.email,
      review: settings.review,
      alerts: settings.alerts,
      smallAmount: smallAmountOf(settings),
      assessedAt: now,
    };
  }

  /** The payment columns that show the assessment (`risk` in the payment view and its events). */
  paymentPatch(risk: RiskAssessment): PaymentPatch {
    return { risk_score: risk.score, risk_decision: risk.action, risk_reasons: JSON.stringify(risk.reasons) };
  }

  /**
   * Block: pending -> processing -> declined (fraud_suspected), with events, in the
   * confirm transaction. No bank is asked. `methodType`: the confirming method's type,
   * recorded on the payment as every confirm records it.
   */
  decline(trx: Transaction, current: Payment, risk: RiskAssessment, methodType: string): Promise<Payment> {
    return this.recorder.decline(trx, current, risk, { ...this.paymentPatch(risk), method_type: methodType });
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

/** A merchant-wide velocity limit that is enforced makes every confirm of the merchant share one key. */
function enforcesMerchantLimit(settings: EffectiveRiskSettings): boolean {
  const velocity = settings.rules.find((r) => r.rule.code === 'velocity');
  if (velocity === undefined || velocity.mode === 'dry_run') return false;
  const limits = (velocity.settings as { limits?: ReadonlyArray<{ key: string }> }).limits ?? [];
  return limits.some((l) => l.key === 'merchant');
}
