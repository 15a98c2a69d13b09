import { Database, PluginMigration } from '@tender/core';

/**
 * The link's own tables.
 *
 * - `iso8583_counters`: one row per counter; STAN and RRN come from it, so they
 *   survive restarts and are shared by every gateway process.
 * - `iso8583_journal`: one row per ISO 8583 request, keyed by Tender's operation
 *   reference: the STAN, RRN and times it was sent with (a retry of the same
 *   reference is a retransmission of the same message), the answer once known, and
 *   the state of its reversal. No PAN, no CVC.
 *
 * Until core 0.1 core's migration 005-routing created them; databases that ran it
 * record this one as adopted.
 */
async function up(knex: Database): Promise<void> {
  await knex.schema.createTable('iso8583_counters', (t) => {
    t.string('name', 40).primary();
    t.bigInteger('value').notNullable();
  });
  await knex('iso8583_counters').insert({ name: 'message', value: 0 });

  await knex.schema.createTable('iso8583_journal', (t) => {
    t.string('reference', 64).primary();
    t.string('mti', 4).notNullable();
    t.string('terminal_id', 16).notNullable();
    t.string('bank_merchant_id', 40).notNullable();
    t.string('stan', 6).notNullable();
    t.string('rrn', 12).notNullable();
    t.string('transmitted', 10).notNullable();
    t.string('local_time', 6).notNullable();
    t.string('local_date', 4).notNullable();
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    // sent | unsent | answered | reversal_pending | reversed
    t.string('state', 20).notNullable();
    t.text('answer');
    t.string('reversal_stan', 6);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['state', 'updated_at']);
  });
}

async function down(knex: Database): Promise<void> {
  await knex.schema.dropTableIfExists('iso8583_journal');
  await knex.schema.dropTableIfExists('iso8583_counters');
}

export const isoLinkTables: PluginMigration = { name: '001-iso8583-link', up, down };
