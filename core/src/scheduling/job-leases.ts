import { Database, isUniqueViolation } from '../db/database';

/**
 * The `job_leases` table (migration 041): who runs a background job now and when it
 * is next due, shared by every gateway process on the database.
 *
 * Every write is one conditional statement on the primary key: a claim succeeds only
 * when the job is due and its lease is free (expired, or already ours), a renewal or
 * a release only while the lease is still ours. Nothing waits on a row lock
 * (`SELECT ... FOR UPDATE`), so the rule holds on a Galera cluster too, where two
 * nodes claiming at once conflict at commit and the loser sees 0 rows changed.
 *
 * Times are the system's wall clock (`Date.now()`), not the gateway's business clock:
 * a lease is an agreement between processes, so every process must read the same
 * time (keep hosts on NTP; a lease of seconds tolerates the usual skew).
 *
 * @example
 * ```ts
 * const leases = new JobLeases(db);
 * if (await leases.claim('bank reconciler', 'host:42:ab12', 30_000, { firstRunAt: Date.now() })) {
 *   await reconciler.run();
 *   await leases.finish('bank reconciler', 'host:42:ab12', Date.now() + 60_000);
 * }
 * ```
 */
export class JobLeases {
  /** Jobs whose row is known to exist, so a refused claim does not try the INSERT again. */
  private readonly known = new Set<string>();

  constructor(private readonly db: Database) {}

  /**
   * Takes the job for `leaseMs` if it is due and nobody else holds it. The first claim
   * of a job anywhere creates its row, due at `firstRunAt`.
   */
  async claim(job: string, holder: string, leaseMs: number, options: { firstRunAt: number }): Promise<boolean> {
    const now = Date.now();
    const taken = await this.db('job_leases')
      .where({ job })
      .where('next_run_at', '<=', now)
      .where((q) => q.where('lease_until', '<=', now).orWhere({ holder }))
      .update({ holder, lease_until: now + leaseMs });
    if (taken === 1) {
      this.known.add(job);
      return true;
    }
    if (this.known.has(job)) return false;
    const due = options.firstRunAt <= now;
    try {
      // Not due yet: the row is created free, so the schedule is shared from the start.
      await this.db('job_leases').insert({
        job,
        holder: due ? holder : null,
        lease_until: due ? now + leaseMs : 0,
        next_run_at: options.firstRunAt,
        last_run_at: null,
      });
      this.known.add(job);
      return due;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      this.known.add(job); // another process created it first; it decides this round
      return false;
    }
  }

  /** Extends a lease still held; false when it was lost (it expired and another process took it). */
  async renew(job: string, holder: string, leaseMs: number): Promise<boolean> {
    return (
      (await this.db('job_leases')
        .where({ job, holder })
        .update({ lease_until: Date.now() + leaseMs })) === 1
    );
  }

  /** Records a finished run and frees the lease: the job is next due at `nextRunAt`, in whichever process claims it. */
  async finish(job: string, holder: string, nextRunAt: number): Promise<void> {
    await this.db('job_leases').where({ job, holder }).update({ holder: null, lease_until: 0, next_run_at: nextRunAt, last_run_at: Date.now() });
  }

  /** Frees a lease without running (a process stopping): another process may take the job at once. */
  async release(job: string, holder: string): Promise<void> {
    await this.db('job_leases').where({ job, holder }).update({ holder: null, lease_until: 0 });
  }
}
