import { inject, injectable } from 'tsyringe';
import { DATABASE, Database } from '../db/database';
import { MerchantContext } from '../merchants/merchant-context';
import { PaymentRepository } from '../payments/payment.repository';
import { RiskAction } from './risk-assessment';
import { RiskVerdict, decideWith } from './risk-engine';
import { RiskRuleRegistry } from './risk-rule.registry';
import { RiskRuleSetRepository, RuleSetScope } from './risk-rule-set.repository';
import { RuleSetInput, effectiveSettings, validateRuleSet } from './risk-settings';

/** The most recent assessed payments a preview looks at, at most. */
export const PREVIEW_MAX = 200;

/** One recent payment: what was decided then, and what the proposed rule set would decide. */
export interface PreviewedPayment {
  readonly paymentId: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly amount: number;
  readonly currency: string;
  readonly assessedAt: number;
  /** The action recorded when the payment was confirmed. */
  readonly recorded: RiskAction;
  readonly proposed: RiskVerdict;
}

/**
 * A dry run of a rule set before it is saved: the last `limit` assessed payments of
 * the scope (a merchant's, in its mode; or every merchant's for the operator's set)
 * are decided again with the proposed settings, through the engine's own
 * `decideWith`, reading history and writing nothing. Caveat shown with the result:
 * the history windows are read as they are now, so an attempt made after the
 * payment counts toward its velocity too (the preview can only over-flag).
 *
 * @example
 * ```ts
 * const rows = await preview.run({ kind: 'merchant', ctx }, { thresholds: { review: 40 } }, 50);
 * rows.filter((r) => r.proposed.action !== r.recorded);
 * ```
 */
@injectable()
export class RiskRulePreview {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(RiskRuleRegistry) private readonly registry: RiskRuleRegistry,
    @inject(RiskRuleSetRepository) private readonly ruleSets: RiskRuleSetRepository,
    @inject(PaymentRepository) private readonly payments: PaymentRepository,
  ) {}

  /** Validates `body` as replace() would (a TenderError naming the field when it is bad), then decides the recent payments with it. */
  async run(scope: RuleSetScope, body: unknown, limit: number): Promise<PreviewedPayment[]> {
    const proposed = validateRuleSet(body, this.registry);
    const count = Math.max(1, Math.min(PREVIEW_MAX, Math.trunc(limit)));
    let query = this.db('risk_assessments')
      .select('merchant_id', 'livemode', 'payment_id', 'card_fingerprint', 'card_bin', 'ip', 'email', 'action', 'created_at')
      .limit(count);
    query =
      scope.kind === 'merchant'
        ? query.where({ merchant_id: scope.ctx.merchantId, livemode: scope.ctx.livemode }).orderBy('created_at', 'desc')
        : query.orderBy('seq', 'desc');
    const rows = (await query) as Array<Record<string, unknown>>;
    const operatorSet: RuleSetInput = scope.kind === 'operator' ? proposed : ((await this.ruleSets.latest(this.db, { kind: 'operator' }))?.settings ?? {});
    const merchantSets = new Map<string, RuleSetInput>();
    const out: PreviewedPayment[] = [];
    for (const row of rows) {
      const ctx: MerchantContext = { merchantId: String(row.merchant_id), livemode: Boolean(row.livemode) };
      const payment = await this.payments.find(this.db, ctx, String(row.payment_id));
      if (payment === undefined) continue;
      const merchantSet = scope.kind === 'merchant' ? proposed : await this.merchantSet(merchantSets, ctx);
      const settings = effectiveSettings(this.registry, operatorSet, merchantSet);
      const input = {
        payment,
        card: { fingerprint: String(row.card_fingerprint), bin: String(row.card_bin), brand: payment.card?.brand ?? '' },
        ip: row.ip === null || row.ip === undefined ? undefined : String(row.ip),
        email: row.email === null || row.email === undefined ? undefined : String(row.email),
        now: Number(row.created_at),
      };
      out.push({
        paymentId: payment.id,
        merchantId: ctx.merchantId,
        livemode: ctx.livemode,
        amount: payment.amount,
        currency: payment.currency,
        assessedAt: Number(row.created_at),
        recorded: String(row.action) as RiskAction,
        // No 3-D Secure on a preview: a challenge shows the fallback the API path would take.
        proposed: await decideWith(this.db, ctx, settings, input, { canChallenge: false }),
      });
    }
    return out;
  }

  private async merchantSet(cache: Map<string, RuleSetInput>, ctx: MerchantContext): Promise<RuleSetInput> {
    const key = `${ctx.merchantId}:${String(ctx.livemode)}`;
    let set = cache.get(key);
    if (set === undefined) {
      set = (await this.ruleSets.latest(this.db, { kind: 'merchant', ctx }))?.settings ?? {};
      cache.set(key, set);
    }
    return set;
  }
}
