import { injectable } from 'tsyringe';
import { Queryable } from '../db/database';
import { newId } from '../ids/ids';
import { RoutingRuleSet } from './routing-rules';

/** Operator-wide rules, or one merchant's overrides in one mode. */
export type RoutingScope = { readonly kind: 'operator' } | { readonly kind: 'merchant'; readonly merchantId: string; readonly livemode: boolean };

export interface RoutingRuleVersion {
  readonly version: number;
  readonly rules: RoutingRuleSet['rules'];
  readonly createdAt: number;
}

const OPERATOR = '__operator__';

function where(scope: RoutingScope): { scope_key: string; livemode: boolean } {
  return scope.kind === 'operator' ? { scope_key: OPERATOR, livemode: true } : { scope_key: scope.merchantId, livemode: scope.livemode };
}

function fromRow(row: Record<string, unknown>): RoutingRuleVersion {
  return { version: Number(row.version), rules: JSON.parse(String(row.rules)) as RoutingRuleSet['rules'], createdAt: Number(row.created_at) };
}

/**
 * Routing rules as versioned data: every PUT adds a version and old versions are
 * kept, so an operator can see what routed a payment last week.
 */
@injectable()
export class RoutingRuleRepository {
  async current(q: Queryable, scope: RoutingScope): Promise<RoutingRuleVersion | undefined> {
    const row = (await q('routing_rule_versions').where(where(scope)).orderBy('version', 'desc').first()) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  async versions(q: Queryable, scope: RoutingScope, limit = 50): Promise<RoutingRuleVersion[]> {
    const rows = (await q('routing_rule_versions').where(where(scope)).orderBy('version', 'desc').limit(limit)) as Record<string, unknown>[];
    return rows.map(fromRow);
  }

  /** Adds the next version; the unique (scope, version) index makes a concurrent PUT fail rather than fork. */
  async put(q: Queryable, scope: RoutingScope, rules: RoutingRuleSet['rules'], now: number): Promise<RoutingRuleVersion> {
    const latest = await this.current(q, scope);
    const version = (latest?.version ?? 0) + 1;
    await q('routing_rule_versions').insert({ id: newId('rrv'), ...where(scope), version, rules: JSON.stringify(rules), created_at: now });
    return { version, rules, createdAt: now };
  }
}
