/**
 * One background job, as every part of the gateway and every plugin declares it to the
 * JobScheduler (docs/schedules.md lists the gateway's).
 *
 * - `exclusive` (the default): one process at a time runs it, under a lease in
 *   `job_leases`; the schedule is shared, so N processes run an hourly job once an hour.
 * - `parallel`: every process runs it on its own timer. Only for jobs that claim the rows
 *   they work on themselves (the webhook and e-mail dispatchers, ...), where more
 *   processes mean more throughput and a lease would only slow them down.
 *
 * `run` returns how much work it found (or nothing): a positive number makes the job
 * due again at once (a queue being drained), anything else waits `intervalMs`. It gets
 * a signal that aborts when the gateway stops or the lease is lost; long rounds should
 * end at the next safe point then.
 *
 * @example
 * ```ts
 * const job: ScheduledJob = { name: 'idempotency purge', intervalMs: 3_600_000, run: () => idempotency.purgeExpired() };
 * ctx.registerBackgroundJob(ctx.core.scheduler.job(job));
 * ```
 */
export interface ScheduledJob {
  /** Unique in the gateway; the `job_leases` key of an exclusive job. 1 to 100 characters. */
  readonly name: string;
  /** The wait between rounds, in ms (> 0). */
  readonly intervalMs: number;
  readonly run: (signal: AbortSignal) => Promise<unknown>;
  /** Default `exclusive`. */
  readonly concurrency?: 'exclusive' | 'parallel';
  /** Whether the first round is due when the gateway starts (default) or one interval later. */
  readonly runAtStart?: boolean;
  /**
   * How long a lease lasts without renewal (default 30 s): how long the job stays
   * still after its process dies. It is renewed every third of this while a round runs.
   */
  readonly leaseMs?: number;
}

/** What a job may be told; a wrong declaration is a programming error, thrown at registration. */
export function assertScheduledJob(job: ScheduledJob): void {
  const problems: string[] = [];
  if (typeof job.name !== 'string' || job.name.length < 1 || job.name.length > 100) problems.push('name must be 1 to 100 characters');
  if (!Number.isInteger(job.intervalMs) || job.intervalMs <= 0) problems.push('intervalMs must be a positive integer');
  if (job.leaseMs !== undefined && (!Number.isInteger(job.leaseMs) || job.leaseMs < 300)) problems.push('leaseMs must be an integer of at least 300');
  if (typeof job.run !== 'function') problems.push('run must be a function');
  if (problems.length > 0) throw new Error(`scheduled job ${String(job.name)}: ${problems.join('; ')}`);
}
