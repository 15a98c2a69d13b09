import { Knex } from 'knex';

/**
 * Bank links and routing.
 *
 * - `iso8583_counters`: one row per counter; STAN and RRN come from it, so they
 *   survive restarts and are shared by every gateway process.
 * - `iso8583_journal`: one row per ISO 8583 request, keyed by Tender's operation
 *   reference: the STAN, RRN and times it was sent with (a retry of the same
 *   reference is a retransmission of the same message), the answer once known, and
 *   the state of its reversal. No PAN, no CVC.
 * - `routing_rule_versions`: operator-wide and per-merchant routing rules; every
 *   change adds a version, old ones are kept.
 * - `payment_attempts`: each authorization attempt of a payment: which connection,
 *   why it was chosen, what came back.
 */
export async function up(knex: Knex): Promise<void> {
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

  await knex.schema.createTable('routing_rule_versions', (t) => {
    t.string('id', 40).primary();
    // A merchant id, or '__operator__' for the operator-wide rules.
    t.string('scope_key', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.integer('version').notNullable();
    t.text('rules').notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['scope_key', 'livemode', 'version']);
  });

  await knex.schema.createTable('payment_attempts', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('payment_id', 40).notNullable();
    t.string('operation_id', 40).notNullable();
    t.string('connection_id', 40);
    t.string('bank_code', 40).notNullable();
    t.string('adapter_code', 40).notNullable();
    t.string('reason', 500).notNullable();
    // approved | declined | technical_failure | unknown | skipped
    t.string('result', 24).notNullable();
    t.string('failure_code', 64);
    t.bigInteger('created_at').notNullable();
    t.index(['merchant_id', 'livemode', 'payment_id', 'seq']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('payment_attempts');
  await knex.schema.dropTableIfExists('routing_rule_versions');
  await knex.schema.dropTableIfExists('iso8583_journal');
  await knex.schema.dropTableIfExists('iso8583_counters');
}
