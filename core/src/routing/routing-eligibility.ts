import type { RoutingConnection, RoutingIneligibleKind, RoutingInput } from './routing-strategy';

/** The reason given for a connection whose breaker is open (the payment fails with a message saying so). */
export const BREAKER_OPEN_REASON = 'circuit breaker open (failing)';

/** Why a connection cannot serve a payment: as data and in words. */
export interface Ineligibility {
  readonly kind: RoutingIneligibleKind;
  readonly reason: string;
}

/**
 * Why a connection cannot serve a payment at all, or undefined when it can. The
 * default strategy skips for these reasons, the gateway refuses a strategy's
 * candidate for them (and corrects a skipped connection's kind to them), and the
 * strategy conformance suite checks against them. A half-open breaker is usable: it
 * lets one probe payment through.
 *
 * @example
 * ```ts
 * ineligibility(connection, input); // { kind: 'breaker_open', reason: 'circuit breaker open (failing)' }
 * ```
 */
export function ineligibility(c: RoutingConnection, input: Pick<RoutingInput, 'merchant' | 'payment' | 'method'>): Ineligibility | undefined {
  if (c.merchantId !== input.merchant.id || c.livemode !== input.merchant.livemode)
    return { kind: 'other_merchant_or_mode', reason: 'not a connection of this merchant in this mode' };
  if (c.status !== 'active') return { kind: 'disabled', reason: 'connection disabled' };
  if (!c.adapterInstalled) return { kind: 'adapter_missing', reason: `adapter '${c.adapterCode}' is not installed` };
  if (!c.capabilities.includes(input.method.capability))
    return { kind: 'capability_missing', reason: `adapter '${c.adapterCode}' cannot do ${input.method.capability}` };
  if (!c.currencies.includes(input.payment.currency)) return { kind: 'currency_not_accepted', reason: `contract does not take ${input.payment.currency}` };
  if (c.health.state === 'open') return { kind: 'breaker_open', reason: BREAKER_OPEN_REASON };
  return undefined;
}

/**
 * The words of `ineligibility`, or undefined when the connection is usable.
 *
 * @example
 * ```ts
 * const why = unusableBecause(connection, input); // 'circuit breaker open (failing)'
 * ```
 */
export function unusableBecause(c: RoutingConnection, input: Pick<RoutingInput, 'merchant' | 'payment' | 'method'>): string | undefined {
  return ineligibility(c, input)?.reason;
}
