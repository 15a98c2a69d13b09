import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { DATABASE, Database, Queryable } from '../db/database';
import { TenderError } from '../errors/tender-error';
import { AuthenticatedKey, MerchantStandingFacts } from './api-keys';
import { MerchantContext } from './merchant-context';

/**
 * Who is asking, optionally with the merchant's standing as read earlier in the same
 * request (the API reads it joined with the key; a page reads it with the merchant's
 * name). Without it, MerchantStanding reads it. Only pass facts read for this request:
 * they decide whether money may be taken.
 */
export interface StandingContext extends MerchantContext {
  readonly standing?: MerchantStandingFacts | undefined;
}

/** The refusals that mean "this merchant may not take payments now", whatever the path. */
export const STANDING_REFUSALS: ReadonlySet<string> = new Set(['merchant_suspended', 'test_mode_expired', 'merchant_not_live']);

export function isStandingRefusal(error: unknown): boolean {
  return error instanceof TenderError && STANDING_REFUSALS.has(error.code);
}

/** The merchants columns the standing is decided from, for reads that join or add columns. */
export const STANDING_COLUMNS = ['stage', 'live_at', 'test_mode_expires_at'] as const;

export function standingFromRow(row: { stage?: unknown; live_at?: unknown; test_mode_expires_at?: unknown }): MerchantStandingFacts {
  const optional = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
  return { stage: String(row.stage), liveAt: optional(row.live_at), testModeExpiresAt: optional(row.test_mode_expires_at) };
}

/**
 * Whether a merchant may take money. The rule lives here and is enforced inside the
 * core's money operations (PaymentService create, confirm and capture; account
 * payment confirmation; payment link creation), so every caller gets it: the API,
 * the hosted page, payment links, the signed form, the dashboard, plugins (Assist,
 * Saleor) and jobs. Taking money needs:
 * - a merchant that is not suspended (either mode);
 * - in live mode, a merchant that has gone live (`merchant_not_live`);
 * - in test mode, a test period that has not ended (`test_mode_expired`).
 * Money going back to buyers (cancel, void, refund) is never refused for standing:
 * a suspended merchant's buyers still get their money back (docs/operator-guide.md).
 *
 * The /v1 middleware (`assertMayUse`) keeps the older, broader rule for routes that
 * do not move money: a suspended merchant, or one whose test mode ended, cannot
 * manage keys, webhooks, branding and the like; account routes stay open.
 *
 * @example
 * ```ts
 * await standing.assertMayTakePayments({ merchantId, livemode: true }); // throws merchant_suspended, merchant_not_live, test_mode_expired
 * standing.refusal(facts, false); // the TenderError, or undefined when payments may be taken
 * ```
 */
@injectable()
export class MerchantStanding {
  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The merchant's name and standing in one statement (a payment page needs both); undefined for an unknown merchant. */
  async read(merchantId: string, q: Queryable = this.db): Promise<{ name: string; standing: MerchantStandingFacts } | undefined> {
    const row = (await q('merchants')
      .where({ id: merchantId })
      .first('name', ...STANDING_COLUMNS)) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : { name: String(row.name), standing: standingFromRow(row) };
  }

  /** Why the merchant may not take payments in this mode now, or undefined when it may. */
  refusal(facts: MerchantStandingFacts | undefined, livemode: boolean): TenderError | undefined {
    if (facts === undefined) return new TenderError('resource_not_found', { message: 'No such merchant.' });
    if (facts.stage === 'suspended') return new TenderError('merchant_suspended');
    if (livemode && facts.liveAt === undefined) return new TenderError('merchant_not_live');
    if (!livemode && facts.testModeExpiresAt !== undefined && this.clock.now() >= facts.testModeExpiresAt) {
      return new TenderError('test_mode_expired', {
        message: `Test mode ended at ${new Date(facts.testModeExpiresAt).toISOString()}; register your company (POST /v1/account/registration) or ask the operator to extend it.`,
      });
    }
    return undefined;
  }

  /**
   * Throws unless the merchant may take payments in ctx's mode; reads the standing
   * (through `q` inside a transaction) unless ctx carries it. Returns what it decided from.
   */
  async assertMayTakePayments(ctx: StandingContext, q: Queryable = this.db): Promise<MerchantStandingFacts> {
    const facts = ctx.standing ?? (await this.read(ctx.merchantId, q))?.standing;
    const refusal = this.refusal(facts, ctx.livemode);
    if (refusal !== undefined || facts === undefined) throw refusal ?? new TenderError('resource_not_found');
    return facts;
  }

  /**
   * The /v1 middleware's rule for the caller's key: a first, cheap refusal before a
   * route runs (nothing that takes money relies on it; the services check again).
   * `accountRoute`: registration and onboarding stay open after test mode ends.
   * `releaseRoute`: reading payments and refunds, canceling and refunding stay open
   * in every standing, so a suspended merchant's buyers get their money back.
   */
  assertMayUse(who: AuthenticatedKey, options: { accountRoute: boolean; releaseRoute: boolean }): void {
    const merchant = who.standing;
    if (merchant === undefined) throw new TenderError('api_key_invalid');
    // A live key of a merchant that never went live cannot exist; treat one as unknown.
    if (who.livemode && merchant.liveAt === undefined) throw new TenderError('api_key_invalid');
    if (options.releaseRoute) return;
    if (merchant.stage === 'suspended') throw new TenderError('merchant_suspended');
    if (options.accountRoute) return;
    const refusal = this.refusal(merchant, who.livemode);
    if (refusal !== undefined) throw refusal;
  }
}
