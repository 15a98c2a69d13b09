import { Database, PluginMigration } from '@tender/core';

/**
 * The journal's reversal bookkeeping (issue 19).
 *
 * - `payment_id`: whose payment a message belongs to, so an operator alert names it.
 * - `reversal_tries`, `reversal_at`, `reversal_code`: how often a reversal was sent,
 *   when it was first sent (its fields 7/12/13), and the last field 39 the bank
 *   answered it with.
 * - `account`: the payer's account (field 102) of an account debit, for its follow-ups.
 * - `pan_sealed`: the PAN of an authorization, sealed with the key ring (AES-256-GCM,
 *   bound to the reference), so its reversal and refunds carry field 2.
 */
async function up(knex: Database): Promise<void> {
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

async function down(knex: Database): Promise<void> {
  await knex.schema.alterTable('iso8583_journal', (t) => {
    t.dropColumn('account');
    t.dropColumn('pan_sealed');
    t.dropColumn('reversal_code');
    t.dropColumn('reversal_at');
    t.dropColumn('reversal_tries');
    t.dropColumn('payment_id');
  });
}

export const isoReversals: PluginMigration = { name: '002-iso8583-reversals', up, down };
