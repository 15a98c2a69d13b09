/**
 * Injection token under which plugins' routing strategies are registered (read
 * back with `resolveAll`). The contract itself is core/src/routing/routing-strategy.ts.
 */
export const ROUTING_STRATEGY = Symbol('RoutingStrategy');
