/**
 * PLACEHOLDER (issue 17, framework branch): the routing helper's branch defines the
 * real RoutingStrategy contract in this file; this minimal shape only lets the
 * plugin context type `registerRoutingStrategy`. The lead keeps the other branch's
 * version when merging.
 *
 * @example
 * ```ts
 * const strategy: RoutingStrategy = { name: 'round-robin' };
 * ```
 */
export interface RoutingStrategy {
  readonly name: string;
}
