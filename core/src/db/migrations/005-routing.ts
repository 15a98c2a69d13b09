import { Knex } from 'knex';

/**
 * Routing.
 *
 * Until core 0.1 this migration also created the ISO 8583 adapter's tables
 * (`iso8583_counters`, `iso8583_journal`); they belong to @tender/adapter-iso8583's
 * own migration now, and a database that ran the old version records that one as
 * adopted (migration 016).
 *
 * - `routing_rule_versions`: operator-wide and per-merchant routing rules; every
 *   change adds a version, old ones are kept.
 * - `payment_attempts`: each authorization attempt of a payment: which connection,
 *   why it was chosen, what came back.
 */
export async function up(knex: Knex): Promise<void> {
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
}
