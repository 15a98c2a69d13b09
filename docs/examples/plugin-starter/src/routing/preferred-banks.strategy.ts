import { RoutingChoice, RoutingDecision, RoutingInput, RoutingStrategyWrapper } from '@tender/core';

/** Attempts keep reasons of at most 500 characters. */
const MAX_REASON = 500;

/**
 * A routing strategy that wraps the default one (`rules`): it keeps the candidates
 * the routing rules chose and their reasons, and moves those at the operator's
 * preferred banks (`preferredBanks`, in that order) to the front. It never adds a
 * connection the wrapped strategy left out, so everything the rules excluded stays
 * in `skipped`; with no preferred banks it answers exactly as the rules do.
 * Selected with `TENDER_ROUTING_STRATEGY=starter-preferred-banks`.
 *
 * @example
 * ```ts
 * ctx.registerRoutingStrategy(preferredBanks(['alfa', 'tinkoff']));
 * ```
 */
export function preferredBanks(banks: readonly string[]): RoutingStrategyWrapper {
  return {
    name: 'starter-preferred-banks',
    wraps: 'rules',
    async refine(input: RoutingInput, decision: RoutingDecision): Promise<RoutingDecision> {
      const bankOf = new Map(input.connections.map((c) => [c.id, c.bankCode]));
      const rank = (choice: RoutingChoice): number => {
        const at = banks.indexOf(bankOf.get(choice.connectionId) ?? '');
        return at === -1 ? banks.length : at;
      };
      // A stable sort: the rules' order holds among equally preferred connections.
      const candidates = decision.candidates
        .map((choice, index) => ({ choice, index, rank: rank(choice) }))
        .sort((a, b) => a.rank - b.rank || a.index - b.index)
        .map(({ choice, rank: r }) =>
          r === banks.length ? choice : { connectionId: choice.connectionId, reason: `preferred bank #${r + 1}; ${choice.reason}`.slice(0, MAX_REASON) },
        );
      return { candidates, skipped: decision.skipped };
    },
  };
}
