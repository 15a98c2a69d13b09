import { injectable } from 'tsyringe';
import { Queryable, isUniqueViolation } from '../db/database';
import type { RiskRuleSetsTable } from '../db/tables';
import { TenderError } from '../errors/tender-error';
import { MerchantContext } from '../merchants/merchant-context';
import { RuleSetInput } from './risk-settings';

/** Whose rule set: the operator's (all merchants) or one merchant's in one mode. */
export type RuleSetScope = { readonly kind: 'operator' } | { readonly kind: 'merchant'; readonly ctx: MerchantContext };

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
    return { version, settings, createdAt: now };
  }
}

function keyOf(scope: RuleSetScope): { merchant_id: string; livemode: boolean } {
  return scope.kind === 'operator' ? { merchant_id: '', livemode: false } : { merchant_id: scope.ctx.merchantId, livemode: scope.ctx.livemode };
}

function fromRow(row: Record<string, unknown>): StoredRuleSet {
  return { version: Number(row.version), settings: JSON.parse(String(row.settings)) as RuleSetInput, createdAt: Number(row.created_at) };
}
