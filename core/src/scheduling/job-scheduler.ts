import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { inject, injectable } from 'tsyringe';
import { DATABASE, Database } from '../db/database';
import { LOGGER, Logger } from '../logging/logger';
import { BackgroundJob } from '../plugins/plugin';
import { JobLeases } from './job-leases';
import { ScheduledJob, assertScheduledJob } from './scheduled-job';
import { ScheduledJobRunner } from './scheduled-job-runner';

/**
 * The gateway's one scheduler of background jobs (core's and plugins'): turns a
 * ScheduledJob into a BackgroundJob that the gateway starts with the others. Exclusive
 * jobs run in one process at a time under a lease in `job_leases` (migration 041); if
 * the process holding it dies, another takes the job over once the lease expires.
 * Plugins get it as `ctx.core.scheduler` (usable in setup).
 *
 * @example
 * ```ts
 * ctx.registerBackgroundJob(ctx.core.scheduler.job({ name: 'acme-poller', intervalMs: 60_000, run: () => poller.runOnce() }));
 * ```
 */
@injectable()
export class JobScheduler {
  /** This process's name in `job_leases.holder`: host, pid and a random part (two gateways in one process differ). */
  readonly holder = `${os.hostname().slice(0, 60)}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly leases: JobLeases;
  private readonly names = new Set<string>();

  constructor(
    @inject(DATABASE) db: Database,
    @inject(LOGGER) private readonly logger: Logger,
  ) {
    this.leases = new JobLeases(db);
  }

  /** The job, ready to register; throws on a bad declaration or a name already scheduled. */
  job(job: ScheduledJob): BackgroundJob {
    assertScheduledJob(job);
    // Two exclusive jobs of one name would share one lease; parallel jobs have none.
    if (job.concurrency !== 'parallel') {
      if (this.names.has(job.name)) throw new Error(`an exclusive background job named '${job.name}' is scheduled already`);
      this.names.add(job.name);
    }
    return new ScheduledJobRunner(job, this.leases, this.holder, this.logger);
  }
}
