import { Knex } from 'knex';

/**
 * The gateway's one attempt limiter (core/src/attempts, issue 16).
 *
 * `attempt_counters`: per purpose (`web_signin_email`, `assist_login_merchant`, ...) and
 * subject (stored as a SHA-256, never the e-mail or address itself), the attempts taken
 * in the current window and the end of a lock. Attempts are taken with conditional
 * UPDATEs and INSERTs on the primary key, so the limit holds across gateway processes.
 * It replaces `web_signin_throttle` (migration 011), which counted failures after the
 * password check; its counters are dropped (at worst a lock ends early).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('attempt_counters', (t) => {
    t.string('purpose', 48).notNullable();
    t.string('subject_hash', 64).notNullable();
    t.integer('attempts').notNullable();
    t.bigInteger('window_started_at').notNullable();
    t.bigInteger('locked_until').nullable();
    t.primary(['purpose', 'subject_hash']);
    t.index(['window_started_at']);
  });
  await knex.schema.dropTableIfExists('web_signin_throttle');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.createTable('web_signin_throttle', (t) => {
    t.string('throttle_key', 400).primary();
    t.integer('failures').notNullable();
    t.bigInteger('window_started_at').notNullable();
    t.bigInteger('locked_until').nullable();
  });
  await knex.schema.dropTableIfExists('attempt_counters');
}
