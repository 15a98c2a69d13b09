/**
 * Exponential backoff with jitter: attempt n (1-based) waits base * 2^(n-1), capped
 * at max, then scaled by a random factor in [0.8, 1.2) so that many receivers that
 * failed together do not come back together.
 *
 * @example
 * ```ts
 * nextDelay(1, { baseMs: 60_000, maxMs: 6 * 3600_000 }); // about 1 minute
 * nextDelay(9, { baseMs: 60_000, maxMs: 6 * 3600_000 }); // about 4.3 hours
 * ```
 */
export interface RetryPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export function nextDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = policy.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30);
  const capped = Math.min(exponential, policy.maxMs);
  return Math.round(capped * (0.8 + 0.4 * random()));
}
