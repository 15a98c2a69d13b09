import { Knex } from 'knex';

/**
 * Shared state of the gateway processes on one database (issue 24 item 2): what each
 * process used to keep in its own memory.
 *
 * - `job_leases`: one row per background job that runs in one process at a time
 *   (core/src/scheduling). A process holds the job while `lease_until` is in the
 *   future; it claims and renews with conditional UPDATEs on the primary key (never a
 *   `SELECT ... FOR UPDATE` wait, which does not cross Galera nodes), and `next_run_at`
 *   is the job's schedule, shared so N processes run an hourly job once an hour.
 * - `breaker_states`: the circuit breaker of each bank connection when it is not
 *   closed, written on each transition (core/src/routing/shared-breakers.ts) and read
 *   by every process with a short cache; `version` makes transitions conditional.
 * - `rate_counters`: fixed-window counters of plain rate limits (page submissions,
 *   sign-ups), one row per name, subject (a SHA-256) and window; counted with a
 *   conditional UPDATE (`hits < limit`) or the INSERT of the window's row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_leases', (t) => {
    t.string('job', 100).primary();
    t.string('holder', 100).nullable();
    t.bigInteger('lease_until').notNullable();
    t.bigInteger('next_run_at').notNullable();
    t.bigInteger('last_run_at').nullable();
  });
  await knex.schema.createTable('breaker_states', (t) => {
    t.string('connection_id', 40).primary();
    t.string('state', 10).notNullable();
    t.bigInteger('opened_at').notNullable();
    t.bigInteger('probing_since').nullable();
    t.integer('version').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('rate_counters', (t) => {
    t.string('name', 48).notNullable();
    t.string('subject_hash', 64).notNullable();
    t.bigInteger('window_start').notNullable();
    t.integer('hits').notNullable();
    t.primary(['name', 'subject_hash', 'window_start']);
    t.index(['window_start']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('rate_counters');
  await knex.schema.dropTableIfExists('breaker_states');
  await knex.schema.dropTableIfExists('job_leases');
}
