import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface ConnectionHealthView {
  readonly connectionId: string;
  readonly state: BreakerState;
  readonly calls: number;
  readonly errorRate: number;
  readonly averageLatencyMs: number | undefined;
}

interface Entry {
  outcomes: Array<{ ok: boolean; latencyMs: number }>;
  state: BreakerState;
  openedAt: number;
  probing: boolean;
}

/** Breaker settings: a window of recent calls, the error rate that opens it, and how long it stays open. */
export const BREAKER = { window: 20, minimumCalls: 5, errorRate: 0.5, openMs: 30_000 } as const;

/**
 * Per-connection health (error rate, latency over the last calls) with a circuit
 * breaker: a connection failing too often is skipped while open; after `openMs`
 * one payment is let through as a probe, and its result closes or reopens it.
 * Declines count as healthy answers; technical failures and unknown outcomes do not.
 * Kept per process: each gateway process learns a bank's health from its own calls.
 *
 * @example
 * ```ts
 * if (health.admit('bcn_1') !== 'skip') { const r = await call(); health.record('bcn_1', r.kind !== 'technical_failure', 120); }
 * ```
 */
@injectable()
export class ConnectionHealth {
  private readonly entries = new Map<string, Entry>();

  constructor(@inject(CLOCK) private readonly clock: Clock) {}

  /** Whether a payment may use the connection now: normally, as the probe of an open breaker, or not at all. */
  admit(connectionId: string): 'use' | 'probe' | 'skip' {
    const e = this.entries.get(connectionId);
    if (e === undefined || e.state === 'closed') return 'use';
    if (e.state === 'open' && this.clock.now() - e.openedAt >= BREAKER.openMs) e.state = 'half_open';
    if (e.state === 'half_open' && !e.probing) {
      e.probing = true;
      return 'probe';
    }
    return 'skip';
  }

  /** Peeks without claiming the probe (for ordering and for views). */
  state(connectionId: string): BreakerState {
    const e = this.entries.get(connectionId);
    if (e === undefined) return 'closed';
    if (e.state === 'open' && this.clock.now() - e.openedAt >= BREAKER.openMs) return 'half_open';
    return e.state;
  }

  record(connectionId: string, ok: boolean, latencyMs: number): void {
    const e = this.entries.get(connectionId) ?? { outcomes: [], state: 'closed' as BreakerState, openedAt: 0, probing: false };
    this.entries.set(connectionId, e);
    if (e.state !== 'closed') {
      // Only the probe's answer decides; anything else still in flight is ignored.
      e.probing = false;
      if (ok) {
        e.state = 'closed';
        e.outcomes = [{ ok, latencyMs }];
      } else {
        e.state = 'open';
        e.openedAt = this.clock.now();
      }
      return;
    }
    e.outcomes.push({ ok, latencyMs });
    if (e.outcomes.length > BREAKER.window) e.outcomes.shift();
    const failures = e.outcomes.filter((o) => !o.ok).length;
    if (e.outcomes.length >= BREAKER.minimumCalls && failures / e.outcomes.length >= BREAKER.errorRate) {
      e.state = 'open';
      e.openedAt = this.clock.now();
    }
  }

  view(connectionId: string): ConnectionHealthView {
    const e = this.entries.get(connectionId);
    const outcomes = e?.outcomes ?? [];
    const failures = outcomes.filter((o) => !o.ok).length;
    return {
      connectionId,
      state: this.state(connectionId),
      calls: outcomes.length,
      errorRate: outcomes.length === 0 ? 0 : failures / outcomes.length,
      averageLatencyMs: outcomes.length === 0 ? undefined : Math.round(outcomes.reduce((s, o) => s + o.latencyMs, 0) / outcomes.length),
    };
  }

  known(): string[] {
    return [...this.entries.keys()];
  }
}
