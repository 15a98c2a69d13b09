import { inject, injectable } from 'tsyringe';
import { DATABASE, Database, isUniqueViolation } from '../db/database';
import { LOGGER, Logger } from '../logging/logger';
import { BREAKER, BreakerTransition, ConnectionHealth } from './connection-health';

/** How often each process reads the breakers other processes changed (the most a breaker opened elsewhere is not yet seen here). */
export const BREAKER_REFRESH_MS = 1000;

interface BreakerRow {
  connection_id: string;
  state: string;
  opened_at: number | string;
  version: number | string;
  updated_at: number | string;
}

/**
 * The circuit breakers shared by every gateway process on the database
 * (`breaker_states`, migration 041). A transition made here (open, reopen after a
 * failed probe, close after a healthy one) is written with a conditional UPDATE on its
 * version, or the INSERT of the connection's first row; `refresh`, run every
 * BREAKER_REFRESH_MS by a background job, reads the rows changed since the last read
 * and hands them to ConnectionHealth. Writes happen only on transitions and reads on
 * the timer, so a payment costs no statement more than with per-process breakers.
 *
 * When two processes make a transition at once, the first write wins and the other
 * takes the winner's state: no row lock is waited on (Galera-safe).
 *
 * The probe of a half-open breaker is claimed here too: a conditional UPDATE that sets
 * `probing_since` on the row of the open breaker's version when no probe is in flight
 * (or the one in flight is older than BREAKER.openMs: its process died). One process
 * wins; the others skip the bank until the probe's answer, a transition that clears
 * `probing_since`, reaches them. The claim costs one statement (two when lost), once per
 * process and half-open period; on Galera two claims on two nodes conflict at commit
 * and the loser's autocommit UPDATE fails, which counts as a lost claim.
 *
 * @example
 * ```ts
 * const shared = container.resolve(SharedBreakers); // attaches itself to ConnectionHealth
 * await shared.refresh();                           // from the 'bank breaker refresh' job
 * ```
 */
@injectable()
export class SharedBreakers {
  /** The newest `updated_at` read; the next refresh reads only rows changed since (with a margin for clock skew). */
  private seenUntil = 0;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    @inject(DATABASE) private readonly db: Database,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(ConnectionHealth) private readonly health: ConnectionHealth,
  ) {
    health.shareTransitions((t) => {
      // In order, off the payment's path: the payment does not wait for the write.
      this.writes = this.writes
        .then(() => this.write(t))
        .catch((error: unknown) =>
          this.logger.warn({ connection: t.connectionId, error: error instanceof Error ? error.message : String(error) }, 'breaker transition not shared'),
        );
    });
    health.shareProbes({
      claim: (connectionId, known, now) => this.claimProbe(connectionId, known.version, now),
      release: (connectionId, version, claimedAt) => {
        this.writes = this.writes
          .then(async () => {
            await this.db('breaker_states').where({ connection_id: connectionId, version, probing_since: claimedAt }).update({ probing_since: null });
          })
          .catch((error: unknown) =>
            this.logger.warn({ connection: connectionId, error: error instanceof Error ? error.message : String(error) }, 'breaker probe not released'),
          );
      },
    });
  }

  /**
   * Claims the probe of the breaker at `version` for this process: true when this
   * process is to probe. False when another process probes (or the claim failed: the
   * bank is better left alone than probed twice), or when the breaker moved on
   * elsewhere, which is adopted here before returning.
   */
  private async claimProbe(connectionId: string, version: number, now: number): Promise<boolean> {
    try {
      // This process's own transition (the version claimed on) is written first.
      await this.writes;
      const claimed = await this.db('breaker_states')
        .where({ connection_id: connectionId, version, state: 'open' })
        .where((q) => q.whereNull('probing_since').orWhere('probing_since', '<=', now - BREAKER.openMs))
        .update({ probing_since: now });
      if (claimed === 1) return true;
      const row = (await this.db('breaker_states').where({ connection_id: connectionId }).first()) as BreakerRow | undefined;
      // No row: this breaker was never shared (its write failed), so its probe is this process's alone.
      if (row === undefined) return true;
      this.adopt(row);
      return false;
    } catch (error) {
      this.logger.warn({ connection: connectionId, error: error instanceof Error ? error.message : String(error) }, 'breaker probe not claimed');
      return false;
    }
  }

  /** Reads breakers changed by any process since the last refresh; returns how many rows it read. */
  async refresh(): Promise<number> {
    const since = this.seenUntil;
    const rows = await this.db('breaker_states')
      .where('updated_at', '>=', since)
      .select<BreakerRow[]>('connection_id', 'state', 'opened_at', 'version', 'updated_at');
    for (const row of rows) {
      this.adopt(row);
      // Five seconds back: a row written by a process whose clock is a little behind is still read.
      this.seenUntil = Math.max(this.seenUntil, Number(row.updated_at) - 5000);
    }
    return 0; // never "found work": the refresh keeps its interval
  }

  /** Waits for this process's transitions to be written (tests, shutdown). */
  async flush(): Promise<void> {
    await this.writes;
  }

  private async write(t: BreakerTransition): Promise<void> {
    const decidedAt = Date.now();
    let fromVersion = t.fromVersion;
    for (let round = 0; round < 2; round++) {
      const values = { state: t.state, opened_at: t.openedAt, probing_since: null, version: fromVersion + 1, updated_at: Date.now() };
      if (fromVersion > 0) {
        if ((await this.db('breaker_states').where({ connection_id: t.connectionId, version: fromVersion }).update(values)) === 1) {
          this.health.adopt(t.connectionId, { state: t.state, openedAt: t.openedAt, version: fromVersion + 1 }, { force: true });
          return;
        }
      } else {
        try {
          await this.db('breaker_states').insert({ connection_id: t.connectionId, ...values });
          return;
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
      }
      const row = (await this.db('breaker_states').where({ connection_id: t.connectionId }).first()) as BreakerRow | undefined;
      if (row === undefined) continue;
      // Written before this process decided (a row left from an earlier run, not yet read here): replace it.
      if (Number(row.updated_at) < decidedAt - BREAKER_REFRESH_MS && round === 0) {
        fromVersion = Number(row.version);
        continue;
      }
      // Another process made a transition at the same time: its state wins here too.
      this.adopt(row, true);
      return;
    }
  }

  private adopt(row: BreakerRow, force = false): void {
    const state = row.state === 'closed' ? 'closed' : 'open';
    this.health.adopt(row.connection_id, { state, openedAt: Number(row.opened_at), version: Number(row.version) }, { force });
  }
}
