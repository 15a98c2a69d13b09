import { inject, injectable } from 'tsyringe';
import { CLOCK, Clock } from '../clock/clock';
import { BankResult } from '../banks/bank-adapter';

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
  /** When the half-open probe was let through; undefined when none is in flight. */
  probingSince: number | undefined;
  /** The shared state's version this entry was last written or adopted at (0: never shared). */
  version: number;
}

/** A breaker transition, as shared between processes: the connection is now open (since `openedAt`) or closed. */
export interface BreakerTransition {
  readonly connectionId: string;
  readonly state: 'open' | 'closed';
  readonly openedAt: number;
  /** The version the transition replaces; the new one is this + 1. */
  readonly fromVersion: number;
}

/** What `admit` decides for one payment: use the connection, use it as the half-open breaker's probe, or skip it. */
export type Admission = 'use' | 'probe' | 'skip';

/**
 * Claims the probe of a half-open breaker for this process across all processes
 * (SharedBreakers: one conditional UPDATE of `breaker_states`), and gives it back when
 * the probe's answer said nothing about the connection. `claim` resolves true when
 * this process won the probe; false when another process holds it, or the breaker
 * changed elsewhere (then the change has been adopted already).
 */
export interface ProbeClaims {
  claim(connectionId: string, known: { readonly version: number; readonly openedAt: number }, now: number): Promise<boolean>;
  release(connectionId: string, version: number, claimedAt: number): void;
}

/**
 * Breaker settings: a window of recent calls, how many it needs before it may open,
 * the error rate that opens it, and how long it stays open. Ten calls, not five: a
 * single terminal's breaker opened after 4 errors in 8 calls (issue 19).
 */
export const BREAKER = { window: 20, minimumCalls: 10, errorRate: 0.5, openMs: 30_000 } as const;

/** What a call says about the connection: it works, it failed, or it says nothing about the connection. */
export type BreakerOutcome = 'healthy' | 'failure' | 'ignored';

/**
 * Issuer-side response codes: the processing centre answered, but the card's issuer
 * is unavailable or unroutable (ISO 8583 91, 92). The same link serves other
 * issuers, so they say nothing about the connection.
 */
const ISSUER_CAUSED = new Set(['91', '92']);

/**
 * How an authorization's answer counts for the breaker. Only technical failures of
 * the connection count as failures: no answer (`unknown`), unreachable or reversed
 * (`bank_unreachable`), a malfunction the processing centre reports. Approvals,
 * declines and 3-D Secure holds are healthy answers; issuer-side failures are ignored.
 *
 * @example
 * ```ts
 * breakerOutcome({ kind: 'declined', reason: 'insufficient_funds', rawCode: '51', message: '' }); // 'healthy'
 * ```
 */
export function breakerOutcome(result: BankResult): BreakerOutcome {
  switch (result.kind) {
    case 'approved':
    case 'declined':
    case 'action_required':
      return 'healthy';
    case 'technical_failure':
      return result.rawCode !== undefined && ISSUER_CAUSED.has(result.rawCode) ? 'ignored' : 'failure';
    case 'unknown':
      return 'failure';
  }
}

/**
 * Per-connection health (error rate, latency over the last calls) with a circuit
 * breaker: a connection failing too often is skipped while open; after `openMs` it
 * is half-open and one payment is let through as a probe: a healthy answer closes
 * it, a failure reopens it, an answer that says nothing about the connection (an
 * issuer-side failure) lets the next payment probe instead. A probe that never
 * reports back (its process died) is replaced after another `openMs`. What counts
 * is `breakerOutcome`.
 *
 * Each process counts its own calls (the error-rate window is per process), but the
 * breaker's state is shared: every transition goes to `transitions` (SharedBreakers
 * writes it to the database) and a transition made by another process arrives through
 * `adopt`, so a breaker opened in one process is open in all of them within the
 * refresh interval, and a probe's success closes it everywhere. The probe itself is
 * claimed through `ProbeClaims` (one conditional UPDATE), so of N processes one probes
 * the bank and the others keep skipping it until the probe's answer is shared. The
 * payment path otherwise reads only this memory: a closed or open breaker adds no
 * statement to a payment; the claim is one statement, once per half-open period.
 *
 * @example
 * ```ts
 * const admission = await health.admit('bcn_1');
 * if (admission !== 'skip') { const r = await call(); health.record('bcn_1', breakerOutcome(r), 120, admission); }
 * ```
 */
@injectable()
export class ConnectionHealth {
  private readonly entries = new Map<string, Entry>();
  /** Told of every transition this process makes (set by SharedBreakers); none in a lone unit. */
  private sink: ((transition: BreakerTransition) => void) | undefined;
  /** Where probes are claimed across processes (set by SharedBreakers); in a lone unit the probe is this process's alone. */
  private probes: ProbeClaims | undefined;

  constructor(@inject(CLOCK) private readonly clock: Clock) {}

  /** Where this process's transitions go (SharedBreakers: the database). */
  shareTransitions(sink: (transition: BreakerTransition) => void): void {
    this.sink = sink;
  }

  /** Where a half-open breaker's probe is claimed (SharedBreakers: the database). */
  shareProbes(probes: ProbeClaims): void {
    this.probes = probes;
  }

  /**
   * A transition another process made (read from the database). Newer versions only;
   * a breaker closed elsewhere starts a fresh window here, so failures counted before
   * the probe succeeded do not reopen it at once. `force`: also an equal or older version
   * (this process's own write lost to another's, so its version is not the database's).
   */
  adopt(connectionId: string, shared: { state: 'open' | 'closed'; openedAt: number; version: number }, options: { force?: boolean } = {}): void {
    const e = this.entries.get(connectionId) ?? this.fresh(connectionId);
    if (shared.version <= e.version && options.force !== true) return;
    e.version = shared.version;
    if (shared.state === 'closed') {
      if (e.state !== 'closed') e.outcomes = [];
      e.state = 'closed';
      e.probingSince = undefined;
      return;
    }
    if (e.state === 'closed' || e.openedAt !== shared.openedAt) e.probingSince = undefined;
    e.state = 'open';
    e.openedAt = shared.openedAt;
  }

  /**
   * Whether a payment may use the connection now: normally, as the probe of a
   * half-open breaker, or not at all. Only the probe waits on the database (its claim);
   * a closed or open breaker is answered from memory.
   */
  async admit(connectionId: string): Promise<Admission> {
    const e = this.entries.get(connectionId);
    if (e === undefined || e.state === 'closed') return 'use';
    const now = this.clock.now();
    if (e.state === 'open' && now - e.openedAt >= BREAKER.openMs) e.state = 'half_open';
    if (e.state !== 'half_open' || (e.probingSince !== undefined && now - e.probingSince < BREAKER.openMs)) return 'skip';
    // Set before the claim: other payments of this process skip meanwhile, and after a
    // lost claim this process asks again only once a probe elsewhere may have died.
    e.probingSince = now;
    if (this.probes === undefined) return 'probe';
    const won = await this.probes.claim(connectionId, { version: e.version, openedAt: e.openedAt }, now);
    if (won) return 'probe';
    // Lost: another process probes, or the breaker changed elsewhere (adopted by the claim; closed means usable).
    return this.entries.get(connectionId)?.state === 'closed' ? 'use' : 'skip';
  }

  /** Peeks without claiming the probe (for ordering and for views). */
  state(connectionId: string): BreakerState {
    const e = this.entries.get(connectionId);
    if (e === undefined) return 'closed';
    if (e.state === 'open' && this.clock.now() - e.openedAt >= BREAKER.openMs) return 'half_open';
    return e.state;
  }

  /**
   * One call's answer. `true`/`false` are `healthy`/`failure`. `admission` is what
   * `admit` said for that call: while the breaker is not closed only the probe's answer
   * decides, so the late answer of a call admitted before the breaker opened (its
   * success would close a breaker the window just opened) changes nothing.
   */
  record(connectionId: string, outcome: BreakerOutcome | boolean, latencyMs: number, admission: Exclude<Admission, 'skip'> = 'use'): void {
    const verdict: BreakerOutcome = outcome === true ? 'healthy' : outcome === false ? 'failure' : outcome;
    const e = this.entries.get(connectionId) ?? this.fresh(connectionId);
    const ok = verdict === 'healthy';
    if (e.state !== 'closed') {
      if (admission !== 'probe') return;
      const claimedAt = e.probingSince;
      e.probingSince = undefined;
      if (verdict === 'ignored') {
        // The answer said nothing about the connection: give the claim back so the next payment of any process probes.
        if (claimedAt !== undefined) this.probes?.release(connectionId, e.version, claimedAt);
        return;
      }
      if (ok) {
        e.state = 'closed';
        e.outcomes = [{ ok, latencyMs }];
      } else {
        e.state = 'open';
        e.openedAt = this.clock.now();
      }
      this.share(connectionId, e);
      return;
    }
    if (verdict === 'ignored') return;
    e.outcomes.push({ ok, latencyMs });
    if (e.outcomes.length > BREAKER.window) e.outcomes.shift();
    const failures = e.outcomes.filter((o) => !o.ok).length;
    if (e.outcomes.length >= BREAKER.minimumCalls && failures / e.outcomes.length >= BREAKER.errorRate) {
      e.state = 'open';
      e.openedAt = this.clock.now();
      this.share(connectionId, e);
    }
  }

  private fresh(connectionId: string): Entry {
    const e: Entry = { outcomes: [], state: 'closed', openedAt: 0, probingSince: undefined, version: 0 };
    this.entries.set(connectionId, e);
    return e;
  }

  /** Hands a transition of this process to the sink; the entry takes the version it will have once written. */
  private share(connectionId: string, e: Entry): void {
    if (this.sink === undefined) return;
    const fromVersion = e.version;
    e.version = fromVersion + 1;
    this.sink({ connectionId, state: e.state === 'closed' ? 'closed' : 'open', openedAt: e.openedAt, fromVersion });
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
