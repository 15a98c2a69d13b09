/**
 * EXTENSION POINT: how a payment's bank connections are ordered.
 *
 * This file is the whole contract and loads nothing at run time (types and one
 * token), so conformance suites and plugins can import it without the gateway.
 */

import type { BankCapability } from '../methods/bank-capability';

/** What a payment method needs from a connection's adapter to be served by it (methods/bank-capability.ts). */
export type { BankCapability };

/** A connection's circuit breaker as this gateway process sees it (docs/routing.md, "Health and failover"). */
export interface RoutingConnectionHealth {
  /** `open`: failing, skipped; `half_open`: one probe payment may go; `closed`: healthy. */
  readonly state: 'closed' | 'open' | 'half_open';
  /** Failed share of the last calls, 0 to 1. */
  readonly errorRate: number;
  readonly calls: number;
  readonly averageLatencyMs: number | undefined;
}

/** One bank connection offered to a strategy, with what the gateway knows of it now. */
export interface RoutingConnection {
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly bankCode: string;
  readonly adapterCode: string;
  /** ISO 4217 codes the contract allows. */
  readonly currencies: readonly string[];
  readonly status: 'active' | 'disabled';
  /** Epoch milliseconds the contract was recorded; the fallback order is oldest first. */
  readonly createdAt: number;
  /** Whether this gateway has the connection's adapter installed (TENDER_PLUGINS). */
  readonly adapterInstalled: boolean;
  /** What the installed adapter can do; empty when it is not installed. */
  readonly capabilities: readonly BankCapability[];
  readonly health: RoutingConnectionHealth;
}

/** What a strategy is asked: one payment of one merchant in one mode, and that merchant's connections. */
export interface RoutingInput {
  readonly payment: {
    /**
     * A stable key of the payment (its id; the tester's own value for a dry run).
     * Strategies that split traffic draw from it, so the same payment always routes the same way.
     */
    readonly reference: string;
    /** Integer minor units of `currency`. */
    readonly amount: number;
    readonly currency: string;
  };
  readonly method: {
    /** The `payment_method.type` (card, account, ...). */
    readonly type: string;
    /** The bank capability the method needs. */
    readonly capability: BankCapability;
    /** Card payments: the brand and the first six digits; undefined otherwise. */
    readonly brand: string | undefined;
    readonly bin: string | undefined;
  };
  readonly merchant: { readonly id: string; readonly livemode: boolean };
  readonly connections: readonly RoutingConnection[];
}

/** A connection a strategy offers, in order, and why it is at that place. */
export interface RoutingChoice {
  readonly connectionId: string;
  readonly reason: string;
}

/**
 * Why a connection was left out, as data (the `reason` says it in words). The first
 * six are facts the gateway checks itself (routing-eligibility.ts): a strategy that
 * leaves out an unusable connection gives the kind the gateway would give, and one
 * that leaves out a usable connection by its own choice gives `not_chosen`.
 *
 * - `other_merchant_or_mode`: another merchant's connection, or the other mode's
 * - `disabled`: the connection is disabled
 * - `adapter_missing`: its adapter is not installed in this gateway
 * - `capability_missing`: its adapter cannot do what the payment method needs
 * - `currency_not_accepted`: its contract does not take the payment's currency
 * - `breaker_open`: its circuit breaker is open (failing)
 * - `not_chosen`: usable, but the strategy chose others (e.g. the rules name other banks)
 * - `not_offered`: given by the gateway only, for a connection the strategy did not mention
 */
export type RoutingSkipKind =
  'other_merchant_or_mode' | 'disabled' | 'adapter_missing' | 'capability_missing' | 'currency_not_accepted' | 'breaker_open' | 'not_chosen' | 'not_offered';

/** The kinds that say a connection cannot serve the payment at all (what the gateway checks). */
export type RoutingIneligibleKind = Exclude<RoutingSkipKind, 'not_chosen' | 'not_offered'>;

/** A connection a strategy left out: why as data (`kind`) and in words (`reason`, shown and kept with attempts). */
export interface RoutingSkip {
  readonly connectionId: string;
  readonly kind: RoutingSkipKind;
  readonly reason: string;
}

/**
 * A strategy's answer. Every input connection appears once: in `candidates` (tried
 * in this order, the next only after a technical failure) or in `skipped`. No
 * candidate at all is a valid answer (the payment then fails with `no_bank_connection`).
 */
export interface RoutingDecision {
  readonly candidates: readonly RoutingChoice[];
  readonly skipped: readonly RoutingSkip[];
}

/**
 * EXTENSION POINT: orders a payment's bank connections. The default, `rules`,
 * applies the operator's and the merchant's routing rules (docs/routing.md). A
 * strategy must be pure: the same input gives the same decision, it writes nothing
 * and never throws for a payment it cannot route (it answers no candidates).
 * The gateway still refuses any candidate that is another merchant's, in another
 * mode, disabled, without its adapter or capability, or with an open breaker.
 *
 * @example
 * ```ts
 * const lowestLatency: RoutingStrategy = {
 *   name: 'lowest-latency',
 *   async route(input) {
 *     // The gateway's own test (merchant and mode, status, adapter, capability, currency, breaker).
 *     const usable = input.connections.filter((c) => ineligibility(c, input) === undefined);
 *     const ordered = [...usable].sort((a, b) => (a.health.averageLatencyMs ?? 0) - (b.health.averageLatencyMs ?? 0) || a.id.localeCompare(b.id));
 *     return {
 *       candidates: ordered.map((c) => ({ connectionId: c.id, reason: `latency ${c.health.averageLatencyMs ?? 0} ms` })),
 *       // ineligibility (@tender/core, @tender/core/testing) also says why, as the gateway would: kind and words.
 *       skipped: input.connections.flatMap((c) => { const why = ineligibility(c, input); return why === undefined ? [] : [{ connectionId: c.id, ...why }]; }),
 *     };
 *   },
 * };
 * // in a plugin's register(ctx): ctx.registerRoutingStrategy(lowestLatency); then TENDER_ROUTING_STRATEGY=lowest-latency
 * ```
 */
export interface RoutingStrategy {
  /** Unique name; TENDER_ROUTING_STRATEGY selects the active strategy by it. */
  readonly name: string;
  route(input: RoutingInput): Promise<RoutingDecision>;
}

/**
 * A strategy that wraps another (a decorator): it receives the wrapped strategy's
 * decision and reorders or filters it. Filtered connections belong in `skipped`.
 *
 * @example
 * ```ts
 * const avoidSlowBanks: RoutingStrategyWrapper = {
 *   name: 'rules-avoid-slow',
 *   wraps: 'rules',
 *   async refine(input, decision) {
 *     const slow = new Set(input.connections.filter((c) => (c.health.averageLatencyMs ?? 0) > 2000).map((c) => c.id));
 *     return {
 *       candidates: [...decision.candidates.filter((c) => !slow.has(c.connectionId)), ...decision.candidates.filter((c) => slow.has(c.connectionId))],
 *       skipped: decision.skipped,
 *     };
 *   },
 * };
 * ```
 */
export interface RoutingStrategyWrapper {
  readonly name: string;
  /** The name of the strategy it wraps (`rules` for the default). */
  readonly wraps: string;
  refine(input: RoutingInput, decision: RoutingDecision): Promise<RoutingDecision>;
}

/** What a plugin registers with `ctx.registerRoutingStrategy`. */
export type RoutingStrategyRegistration = RoutingStrategy | RoutingStrategyWrapper;

/** Injection token under which every strategy and wrapper is registered (read back with resolveAll). */
export const ROUTING_STRATEGY = Symbol('RoutingStrategy');

/** The name of the default strategy (the routing rules). */
export const DEFAULT_ROUTING_STRATEGY = 'rules';

export function isRoutingStrategyWrapper(r: RoutingStrategyRegistration): r is RoutingStrategyWrapper {
  return typeof (r as Partial<RoutingStrategyWrapper>).wraps === 'string';
}
