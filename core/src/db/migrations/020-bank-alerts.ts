import { Knex } from 'knex';

/**
 * Bank alerts and the ISO 8583 journal's reversal bookkeeping (issue 19).
 *
 * Core:
 * - `bank_operator_alerts`: one row per alert raised to the operator about a bank
 *   operation (a reversal the bank keeps refusing, an authorization no bank finds
 *   after the grace period). The unique key lets only one process raise each alert.
 *
 * ISO 8583 plugin (@tender/adapter-iso8583; to move into its own migrations):
 * - `iso8583_journal.payment_id`: whose payment a message belongs to, so an alert
 *   names it.
 * - `iso8583_journal.reversal_tries`, `reversal_at`, `reversal_code`: how often a
 *   reversal was sent, when it was first sent (its fields 7/12/13), and the last
 *   field 39 the bank answered it with.
 * - `iso8583_journal.account`: the payer's account (field 102) of an account debit.
 * - `iso8583_journal.pan_sealed`: the PAN of an authorization, sealed with the key
 *   ring (AES-256-GCM, bound to the reference), so its reversal and refunds carry
 *   field 2; cleared once nothing can follow the authorization any more is a later step.
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
  await knex.schema.alterTable('iso8583_journal', (t) => {
    t.string('payment_id', 40);
    t.integer('reversal_tries').notNullable().defaultTo(0);
    t.bigInteger('reversal_at');
    t.string('reversal_code', 2);
    t.string('pan_sealed', 200);
    // The payer's account (field 102) of an account debit, for its follow-ups; not card data.
    t.string('account', 34);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('iso8583_journal', (t) => {
    t.dropColumn('account');
    t.dropColumn('pan_sealed');
    t.dropColumn('reversal_code');
    t.dropColumn('reversal_at');
    t.dropColumn('reversal_tries');
    t.dropColumn('payment_id');
  });
  await knex.schema.dropTableIfExists('bank_operator_alerts');
}
