import { Knex } from 'knex';

/**
 * Transaction monitoring under concurrency, and its e-mail alerts.
 *
 * `risk_key_locks`: one row per history key (card fingerprint, IP, e-mail, or the
 * merchant as a whole) a confirm is assessed by, locked (`FOR UPDATE`) for the
 * confirm transaction, so two confirms sharing a key are assessed one after the
 * other and the second sees the first's attempt. Keys are stored as SHA-256 hashes:
 * fixed width for the primary key, and no raw e-mail or IP in yet another table.
 *
 * `risk_alert_marks`: when the last alert e-mail for a pattern (card testing from an
 * IP, repeated declines of a card, a burst of blocks) went out, so every gateway
 * process sends at most one per pattern and subject per window.
 *
 * The extra `risk_assessments` index serves the "blocks of this merchant in the
 * window" count, which only runs after a blocked attempt.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('risk_key_locks', (t) => {
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('key_hash', 64).notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['merchant_id', 'livemode', 'key_hash'], 'risk_key_locks_pk');
  });

  await knex.schema.createTable('risk_alert_marks', (t) => {
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('pattern', 32).notNullable();
    t.string('subject_hash', 64).notNullable();
    t.bigInteger('last_sent_at').notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['merchant_id', 'livemode', 'pattern', 'subject_hash'], 'risk_alert_marks_pk');
  });

  await knex.schema.alterTable('risk_assessments', (t) => {
    t.index(['merchant_id', 'livemode', 'outcome', 'created_at'], 'risk_assessments_outcome');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('risk_assessments', (t) => {
    t.dropIndex(['merchant_id', 'livemode', 'outcome', 'created_at'], 'risk_assessments_outcome');
  });
  await knex.schema.dropTableIfExists('risk_alert_marks');
  await knex.schema.dropTableIfExists('risk_key_locks');
}
