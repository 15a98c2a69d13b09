import { createHash } from 'node:crypto';
import { planRoute, RuleSource } from './route-planner';
import { ineligibility } from './routing-eligibility';
import { DEFAULT_ROUTING_STRATEGY, RoutingChoice, RoutingConnection, RoutingDecision, RoutingInput, RoutingSkip, RoutingStrategy } from './routing-strategy';

/** Where the rules strategy reads the rules that apply to a merchant: its own overrides first, then the operator's. */
export interface RoutingRuleSources {
  rulesFor(merchant: RoutingInput['merchant']): Promise<readonly RuleSource[]>;
}

/**
 * The default RoutingStrategy (`rules`): leaves out connections that cannot serve
 * the payment (each with its reason), then orders the rest by the routing rules
 * (merchant rules before operator rules, by priority, weighted splits drawn from
 * the payment's reference), or oldest contract first when no rule matches.
 *
 * @example
 * ```ts
 * const rules = new RuleRoutingStrategy({ rulesFor: async () => [{ label: 'operator', version: { version: 1, rules, createdAt: 0 } }] });
 * const decision = await rules.route(input); // { candidates: [{ connectionId, reason: "operator rule 'mir' ..." }], skipped: [...] }
 * ```
 */
export class RuleRoutingStrategy implements RoutingStrategy {
  readonly name = DEFAULT_ROUTING_STRATEGY;

  constructor(private readonly sources: RoutingRuleSources) {}

  async route(input: RoutingInput): Promise<RoutingDecision> {
    const skipped: RoutingSkip[] = [];
    const usable: RoutingConnection[] = [];
    for (const c of input.connections) {
      const why = ineligibility(c, input);
      if (why === undefined) usable.push(c);
      else skipped.push({ connectionId: c.id, ...why });
    }
    // The fallback is "oldest contract first": sort here so the answer does not depend on the caller's order.
    usable.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const facts = {
      paymentMethod: input.method.type,
      brand: input.method.brand,
      bin: input.method.bin,
      currency: input.payment.currency,
      amount: input.payment.amount,
    };
    const planned = planRoute(facts, usable, await this.sources.rulesFor(input.merchant), seededRandom(input.payment.reference));
    const candidates: RoutingChoice[] = planned.map((p) => ({ connectionId: p.connection.id, reason: p.reason }));
    const chosen = new Set(candidates.map((c) => c.connectionId));
    for (const c of usable) if (!chosen.has(c.id)) skipped.push({ connectionId: c.id, kind: 'not_chosen', reason: 'the matching rules name other banks' });
    return { candidates, skipped };
  }
}

/**
 * A generator in [0, 1) seeded by the payment's reference (mulberry32 over a
 * SHA-256 prefix): over many payments a 70/30 split sends about 70 % first to the
 * first bank, and one payment's retries and its dry run agree.
 */
export function seededRandom(reference: string): () => number {
  let a = createHash('sha256').update(reference).digest().readUInt32BE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
