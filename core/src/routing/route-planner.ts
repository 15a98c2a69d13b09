import type { BankConnection } from '../banks/bank-connection';
import type { RoutingRuleVersion } from './routing-rule.repository';
import { PaymentFacts, RoutingRule, ruleMatches } from './routing-rules';

/** What the planner reads of a connection (a stored BankConnection or a strategy's RoutingConnection). */
export type PlannableConnection = Pick<BankConnection, 'id' | 'bankCode' | 'currencies' | 'status'>;

export interface PlannedConnection<C extends PlannableConnection = BankConnection> {
  readonly connection: C;
  /** Why this connection is in the plan at this place; kept with the attempt. */
  readonly reason: string;
}

export interface RuleSource {
  readonly label: 'merchant' | 'operator';
  readonly version: RoutingRuleVersion | undefined;
}

/**
 * Orders a payment's candidate connections: merchant rules before operator rules,
 * each by priority; within a matching rule the targets are drawn one after
 * another with probability proportional to weight (so 70/30 sends about 70% of
 * payments to the first bank first, and the other stays as failover). Without any
 * matching rule, every connection that takes the currency, oldest contract first.
 * `random` returns [0, 1), injectable for seeded tests.
 *
 * @example
 * ```ts
 * const plan = planRoute(facts, connections, [{ label: 'merchant', version: mine }, { label: 'operator', version: ops }], Math.random);
 * ```
 */
export function planRoute<C extends PlannableConnection>(
  facts: PaymentFacts,
  connections: readonly C[],
  sources: readonly RuleSource[],
  random: () => number,
): PlannedConnection<C>[] {
  const usable = connections.filter((c) => c.status === 'active' && c.currencies.includes(facts.currency));
  const plan: PlannedConnection<C>[] = [];
  const seen = new Set<string>();
  let matched = false;
  for (const source of sources) {
    const rules = [...(source.version?.rules ?? [])].sort((a, b) => a.priority - b.priority);
    for (const rule of rules) {
      if (!ruleMatches(rule, facts)) continue;
      matched = true;
      for (const target of weightedOrder(rule, random)) {
        for (const connection of usable.filter((c) => c.bankCode === target.bank && !seen.has(c.id))) {
          seen.add(connection.id);
          plan.push({
            connection,
            reason: `${source.label} rule '${rule.id}' (v${source.version?.version ?? 0}, priority ${rule.priority}), bank ${target.bank} weight ${target.weight}/${target.total}`,
          });
        }
      }
    }
  }
  if (matched) return plan;
  return usable.map((connection) => ({ connection, reason: 'no routing rule matched: every connection taking this currency, oldest contract first' }));
}

function weightedOrder(rule: RoutingRule, random: () => number): Array<{ bank: string; weight: number; total: number }> {
  const total = rule.targets.reduce((s, t) => s + t.weight, 0);
  const left = [...rule.targets];
  const order: Array<{ bank: string; weight: number; total: number }> = [];
  while (left.length > 0) {
    const sum = left.reduce((s, t) => s + t.weight, 0);
    let draw = random() * sum;
    let index = left.findIndex((t) => (draw -= t.weight) < 0);
    if (index < 0) index = left.length - 1;
    const [picked] = left.splice(index, 1);
    if (picked !== undefined) order.push({ bank: picked.bank, weight: picked.weight, total });
  }
  return order;
}
