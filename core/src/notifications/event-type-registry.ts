import { EVENT_TYPES } from './event-types';

/**
 * The event types of this gateway: core's (`EVENT_TYPES`) and those plugins
 * registered with `ctx.registerEventTypes`. Webhook endpoints may subscribe to any
 * of them, by name, `<prefix>.*` or `*`.
 *
 * @example
 * ```ts
 * registry.add(['customer.created']);
 * registry.isKnownPattern('customer.*'); // true
 * ```
 */
export class EventTypeRegistry {
  private readonly registered: string[] = [];

  /** Adds a plugin's types; a malformed one, or one core or another plugin has, is refused. */
  add(types: readonly string[]): void {
    for (const type of types) {
      if (typeof type !== 'string' || !/^[a-z][a-z0-9_]{0,30}(\.[a-z][a-z0-9_]{0,30}){1,2}$/.test(type)) {
        throw new Error(`event type '${String(type)}' must be lower-case <object>.<what> (letters, digits, _)`);
      }
      if (this.all().includes(type)) throw new Error(`event type '${type}' is registered already`);
      this.registered.push(type);
    }
  }

  /** Core's types, then the plugins' in registration order. */
  all(): readonly string[] {
    return [...EVENT_TYPES, ...this.registered];
  }

  /** What plugins registered. */
  plugins(): readonly string[] {
    return [...this.registered];
  }

  /** Whether a webhook endpoint may subscribe to `pattern`: a known type, `<prefix>.*` matching one, or `*`. */
  isKnownPattern(pattern: string): boolean {
    if (pattern === '*') return true;
    const types = this.all();
    if (pattern.endsWith('.*')) return types.some((t) => t.startsWith(pattern.slice(0, -1)));
    return types.includes(pattern);
  }
}
