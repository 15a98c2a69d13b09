import { DependencyContainer, InjectionToken } from 'tsyringe';

/**
 * Thrown when something asks the gateway's container for a class nobody
 * registered. tsyringe would build such a class silently (a second "singleton", a
 * service with the wrong configuration); the gateway's container refuses.
 */
export class UnregisteredServiceError extends Error {
  constructor(readonly token: string) {
    super(`nothing is registered for ${token}: core registers its classes in plugins/core-classes.ts, a plugin registers its own with ctx.registerService`);
  }
}

/**
 * Makes `container` strict: `resolve` and `resolveAll` of a class that is not
 * registered (in it or a parent) throw UnregisteredServiceError instead of
 * constructing it. Tokens that are not classes (symbols, strings) already fail in
 * tsyringe when unregistered, unless asked for as optional.
 *
 * tsyringe resolves constructor parameters through `this.resolve`, so replacing the
 * instance's methods covers dependencies of dependencies too. The check is one map
 * lookup per resolve.
 *
 * @example
 * ```ts
 * const container = makeStrict(rootContainer.createChildContainer());
 * container.resolve(class Unlisted {}); // throws UnregisteredServiceError
 * ```
 */
export function makeStrict(container: DependencyContainer): DependencyContainer {
  const resolve = container.resolve.bind(container) as (token: InjectionToken<unknown>, ...rest: unknown[]) => unknown;
  const resolveAll = container.resolveAll.bind(container) as (token: InjectionToken<unknown>, ...rest: unknown[]) => unknown[];
  const check = (token: InjectionToken<unknown>): void => {
    if (typeof token === 'function' && !container.isRegistered(token, true))
      throw new UnregisteredServiceError(token.name === '' ? 'an anonymous class' : `class ${token.name}`);
  };
  const strict = {
    resolve(token: InjectionToken<unknown>, ...rest: unknown[]): unknown {
      check(token);
      return resolve(token, ...rest);
    },
    resolveAll(token: InjectionToken<unknown>, ...rest: unknown[]): unknown[] {
      check(token);
      return resolveAll(token, ...rest);
    },
  };
  Object.assign(container, strict);
  return container;
}
