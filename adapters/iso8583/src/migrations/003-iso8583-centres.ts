import { Database, PluginMigration } from '@tender/core';

/**
 * Processing centres kept in the database, so one gateway talks to several.
 *
 * - `iso8583_centres`: one row per processing centre, registered as a bank adapter
 *   under its `code` (the `adapter_code` bank connections name; their terminal and
 *   merchant ids stay on `bank_connections`): host, port, dialect, pool size,
 *   acquirer id, time zone, MCC and acceptor, TLS, and its zone master key sealed
 *   with the gateway's key ring (never in clear).
 * - `iso8583_journal.adapter_code`: which centre a message went to, so each centre
 *   repeats only its own reversals.
 * - `iso8583_journal.processing_code`, `batch`: field 3 of the message (a refund is a
 *   0200 too) and the cut-over (0500/0510) whose totals included it.
 * - `iso8583_journal.advice_sealed`: a stand-in approval's advice (0120/0220) waiting
 *   to be forwarded, its fields sealed with the key ring (they hold the PAN; never
 *   the CVV2); its tries are counted in `reversal_tries`.
 */
async function up(knex: Database): Promise<void> {
  await knex.schema.createTable('iso8583_centres', (t) => {
    t.string('code', 40).primary();
    t.string('host', 255).notNullable();
    t.integer('port').notNullable();
    t.string('dialect', 64).notNullable();
    t.integer('pool_size').notNullable();
    t.string('acquirer_id', 11);
    t.string('time_zone', 64);
    t.string('merchant_category_code', 4);
    t.string('acceptor_name', 25);
    t.string('acceptor_city', 13);
    t.string('acceptor_country', 2);
    t.boolean('tls').notNullable().defaultTo(false);
    // PEM of the CA that signs the centre's certificate (public data).
    t.text('tls_ca');
    t.string('zone_master_key_sealed', 200);
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.alterTable('iso8583_journal', (t) => {
    t.string('adapter_code', 40).notNullable().defaultTo('iso8583');
    t.string('processing_code', 6);
    t.string('batch', 40);
    t.text('advice_sealed');
    t.index(['adapter_code', 'batch', 'state']);
  });
}

async function down(knex: Database): Promise<void> {
  await knex.schema.alterTable('iso8583_journal', (t) => {
    t.dropIndex(['adapter_code', 'batch', 'state']);
    t.dropColumn('advice_sealed');
    t.dropColumn('batch');
    t.dropColumn('processing_code');
    t.dropColumn('adapter_code');
  });
  await knex.schema.dropTableIfExists('iso8583_centres');
}

export const isoCentres: PluginMigration = { name: '003-iso8583-centres', up, down };
