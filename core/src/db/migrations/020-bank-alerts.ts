import { Knex } from 'knex';

/**
 * Bank alerts (issue 19).
 *
 * - `bank_operator_alerts`: one row per alert raised to the operator about a bank
 *   operation (a reversal the bank keeps refusing, an authorization no bank finds
 *   after the grace period). The unique key lets only one process raise each alert.
 *
 * The ISO 8583 journal's columns for the same (reversal tries, the sealed PAN, the
 * account) are the ISO 8583 plugin's own migration 002-iso8583-reversals.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('bank_operator_alerts', (t) => {
    t.string('id', 40).primary();
    t.string('kind', 40).notNullable();
    // The bank operation reference (what the bank saw) the alert is about.
    t.string('reference', 64).notNullable();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('payment_id', 40).notNullable();
    t.string('summary', 500).notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['kind', 'reference']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('bank_operator_alerts');
}
