import type { RoutingConnection, RoutingInput } from './routing-strategy';

/** The reason given for a connection whose breaker is open (the payment fails with a message saying so). */
export const BREAKER_OPEN_REASON = 'circuit breaker open (failing)';

/**
 * Why a connection cannot serve a payment at all, or undefined when it can. The
 * default strategy skips for these reasons, the gateway refuses a strategy's
 * candidate for them, and the strategy conformance suite checks against them.
 * A half-open breaker is usable: it lets one probe payment through.
 *
 * @example
 * ```ts
 * const why = unusableBecause(connection, input); // 'circuit breaker open (failing)'
 * ```
 */
export function unusableBecause(c: RoutingConnection, input: Pick<RoutingInput, 'merchant' | 'payment' | 'method'>): string | undefined {
  if (c.merchantId !== input.merchant.id || c.livemode !== input.merchant.livemode) return 'not a connection of this merchant in this mode';
  if (c.status !== 'active') return 'connection disabled';
  if (!c.adapterInstalled) return `adapter '${c.adapterCode}' is not installed`;
  if (!c.capabilities.includes(input.method.capability)) return `adapter '${c.adapterCode}' cannot do ${input.method.capability}`;
  if (!c.currencies.includes(input.payment.currency)) return `contract does not take ${input.payment.currency}`;
  if (c.health.state === 'open') return BREAKER_OPEN_REASON;
  return undefined;
}
