import { DEFAULT_ROUTING_STRATEGY, RoutingStrategy, RoutingStrategyRegistration, isRoutingStrategyWrapper } from './routing-strategy';

/** A registered strategy as the console and the explain endpoint list it. */
export interface RoutingStrategyInfo {
  readonly name: string;
  /** For a wrapper: the strategy it wraps. */
  readonly wraps: string | undefined;
  readonly active: boolean;
}

export class RoutingStrategyError extends Error {}

/**
 * The registered routing strategies (the default `rules` and any a plugin added)
 * and the active one, chosen by name (TENDER_ROUTING_STRATEGY, default `rules`).
 * Wrappers are composed over the strategy they wrap. A duplicate name, an unknown
 * active name, a wrapper of an unknown strategy or a wrapping cycle stops the start.
 *
 * @example
 * ```ts
 * const registry = new RoutingStrategyRegistry([rules, myWrapper], 'rules-avoid-slow');
 * const decision = await registry.active().route(input);
 * ```
 */
export class RoutingStrategyRegistry {
  private readonly byName = new Map<string, RoutingStrategyRegistration>();
  private readonly built = new Map<string, RoutingStrategy>();
  private readonly activeStrategy: RoutingStrategy;

  constructor(registrations: readonly RoutingStrategyRegistration[], activeName: string = DEFAULT_ROUTING_STRATEGY) {
    for (const r of registrations) {
      if (!/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(r.name))
        throw new RoutingStrategyError(`routing strategy name '${r.name}' must be 1 to 64 lowercase letters, digits, ., - or _`);
      if (this.byName.has(r.name)) throw new RoutingStrategyError(`two routing strategies share the name '${r.name}'`);
      this.byName.set(r.name, r);
    }
    for (const name of this.byName.keys()) this.build(name, []);
    const active = this.built.get(activeName);
    if (active === undefined)
      throw new RoutingStrategyError(
        `TENDER_ROUTING_STRATEGY names '${activeName}', but the registered strategies are: ${[...this.byName.keys()].join(', ') || 'none'}`,
      );
    this.activeStrategy = active;
  }

  active(): RoutingStrategy {
    return this.activeStrategy;
  }

  list(): RoutingStrategyInfo[] {
    return [...this.byName.values()].map((r) => ({
      name: r.name,
      wraps: isRoutingStrategyWrapper(r) ? r.wraps : undefined,
      active: r.name === this.activeStrategy.name,
    }));
  }

  private build(name: string, path: readonly string[]): RoutingStrategy {
    const done = this.built.get(name);
    if (done !== undefined) return done;
    if (path.includes(name)) throw new RoutingStrategyError(`routing strategies wrap each other in a cycle: ${[...path, name].join(' -> ')}`);
    const r = this.byName.get(name);
    if (r === undefined) throw new RoutingStrategyError(`routing strategy '${path[path.length - 1] ?? name}' wraps '${name}', which is not registered`);
    let strategy: RoutingStrategy;
    if (isRoutingStrategyWrapper(r)) {
      const inner = this.build(r.wraps, [...path, name]);
      strategy = { name: r.name, route: async (input) => r.refine(input, await inner.route(input)) };
    } else {
      strategy = r;
    }
    this.built.set(name, strategy);
    return strategy;
  }
}
