import { injectable } from 'tsyringe';
import { Database, Queryable, isUniqueViolation } from '../db/database';
import type { RiskRuleSetsTable } from '../db/tables';
import { TenderError } from '../errors/tender-error';
import { MerchantContext } from '../merchants/merchant-context';
import { RuleSetInput } from './risk-settings';

/** Whose rule set: the operator's (all merchants) or one merchant's in one mode. */
export type RuleSetScope = { readonly kind: 'operator' } | { readonly kind: 'merchant'; readonly ctx: MerchantContext };

/**
 * How long a process keeps the rule sets it read (monotonic ms). A change made in this
 * process is seen at once (`append` forgets every cached set, again after its commit);
 * one made in another gateway process is seen by this one within this bound.
 */
export const RULE_SET_CACHE_MS = 5000;

type BothSets = { operator: StoredRuleSet | undefined; merchant: StoredRuleSet | undefined };

/** Cached reads per database (several gateways may share one Node process, as in tests). */
const cached = new WeakMap<object, Map<string, { generation: number; readAt: number; sets: BothSets }>>();
/** Bumped by every append (any scope): a read begun before a change is never kept after it. */
let generation = 0;

export interface StoredRuleSet {
  readonly version: number;
  readonly settings: RuleSetInput;
  readonly createdAt: number;
}

/**
 * Rule sets are append-only: every change is a new version, so an assessment can
 * name the versions it ran with and an operator can see (and restore) any earlier
 * one. The operator's set is stored under merchant_id '' (livemode false).
 */
@injectable()
export class RiskRuleSetRepository {
  async latest(q: Queryable, scope: RuleSetScope): Promise<StoredRuleSet | undefined> {
    const row = await q('risk_rule_sets').where(keyOf(scope)).orderBy('version', 'desc').first();
    return row === undefined ? undefined : fromRow(row);
  }

  /**
   * The operator's and the merchant's latest sets in one statement (each scope's
   * highest version, through the unique (merchant_id, livemode, version) index).
   */
  async latestBoth(q: Queryable, ctx: MerchantContext): Promise<{ operator: StoredRuleSet | undefined; merchant: StoredRuleSet | undefined }> {
    const rows = await q('risk_rule_sets as s')
      .select<Array<Pick<RiskRuleSetsTable, 'merchant_id' | 'version' | 'settings' | 'created_at'>>>('s.merchant_id', 's.version', 's.settings', 's.created_at')
      .where((w) => w.where({ 's.merchant_id': '', 's.livemode': false }).orWhere({ 's.merchant_id': ctx.merchantId, 's.livemode': ctx.livemode }))
      .andWhere(
        's.version',
        '=',
        q('risk_rule_sets as l').max('l.version').whereRaw('?? = ??', ['l.merchant_id', 's.merchant_id']).andWhereRaw('?? = ??', ['l.livemode', 's.livemode']),
      );
    const operator = rows.find((r) => r.merchant_id === '');
    const merchant = ctx.merchantId === '' ? undefined : rows.find((r) => r.merchant_id === ctx.merchantId);
    return { operator: operator === undefined ? undefined : fromRow(operator), merchant: merchant === undefined ? undefined : fromRow(merchant) };
  }

  /**
   * `latestBoth`, kept per process for at most RULE_SET_CACHE_MS (see there): the
   * confirm path's read. Rule sets change seldom and every payment needs them.
   */
  async latestBothCached(db: Database, ctx: MerchantContext): Promise<BothSets> {
    let perDb = cached.get(db);
    if (perDb === undefined) {
      perDb = new Map();
      cached.set(db, perDb);
    }
    const key = `${ctx.merchantId}:${ctx.livemode ? 1 : 0}`;
    const hit = perDb.get(key);
    const now = performance.now();
    if (hit !== undefined && hit.generation === generation && now - hit.readAt < RULE_SET_CACHE_MS) return hit.sets;
    const startedAt = generation;
    const sets = await this.latestBoth(db, ctx);
    if (startedAt === generation) {
      // Bounded: the oldest entry goes first once a process has seen many merchants.
      if (perDb.size >= CACHED_MERCHANTS_MAX) perDb.delete(perDb.keys().next().value ?? key);
      perDb.delete(key);
      perDb.set(key, { generation, readAt: now, sets });
    }
    return sets;
  }

  async versions(q: Queryable, scope: RuleSetScope, limit: number): Promise<StoredRuleSet[]> {
    const rows = await q('risk_rule_sets').where(keyOf(scope)).orderBy('version', 'desc').limit(limit);
    return rows.map(fromRow);
  }

  /** Appends the next version; two writers racing for one version number: the loser gets a 409. */
  async append(q: Queryable, scope: RuleSetScope, settings: RuleSetInput, now: number): Promise<StoredRuleSet> {
    const current = await this.latest(q, scope);
    const version = (current?.version ?? 0) + 1;
    try {
      await q('risk_rule_sets').insert({ ...keyOf(scope), version, settings: JSON.stringify(settings), created_at: now });
    } catch (error) {
      if (isUniqueViolation(error)) throw new TenderError('risk_rules_conflict');
      throw error;
    }
    forgetCached();
    // Also once the new version is visible to others: a read between the INSERT and the
    // COMMIT still saw the old one and must not be kept.
    const executing = (q as { executionPromise?: Promise<unknown> }).executionPromise;
    if (executing !== undefined) executing.then(forgetCached, forgetCached);
    return { version, settings, createdAt: now };
  }
}

/** How many merchants' rule sets one process keeps. */
const CACHED_MERCHANTS_MAX = 10_000;

function forgetCached(): void {
  generation++;
}

function keyOf(scope: RuleSetScope): { merchant_id: string; livemode: boolean } {
  return scope.kind === 'operator' ? { merchant_id: '', livemode: false } : { merchant_id: scope.ctx.merchantId, livemode: scope.ctx.livemode };
}

function fromRow(row: Record<string, unknown>): StoredRuleSet {
  return { version: Number(row.version), settings: JSON.parse(String(row.settings)) as RuleSetInput, createdAt: Number(row.created_at) };
}
