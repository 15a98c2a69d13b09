/**
 * Time as the core sees it. Tests replace it to move time without sleeping.
 *
 * @example
 * ```ts
 * container.register(CLOCK, { useValue: new FixedClock(Date.parse('2026-01-01')) });
 * ```
 */
export interface Clock {
  now(): number;
}

export const CLOCK = Symbol('Clock');

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}

export class FixedClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
