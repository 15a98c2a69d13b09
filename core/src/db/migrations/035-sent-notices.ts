import { Knex } from 'knex';

/**
 * Notices sent at most once (issue 18): the test-mode warning, its end, an
 * extension, the operator's alerts on an application and a bank choice, the
 * merchant's alert on a payment held for review. A sender inserts the notice's key
 * in the transaction that queues its e-mail; the unique key makes a second gateway
 * process, or the same one after a restart, lose the claim and queue nothing.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sent_notices', (t) => {
    // e.g. `test_mode.warning:mer_...:1767225600000`: kind, subject and what makes it new.
    t.string('notice_key', 191).primary();
    t.string('kind', 64).notNullable();
    t.string('merchant_id', 40);
    t.bigInteger('created_at').notNullable();
    t.index(['merchant_id', 'kind']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sent_notices');
}
