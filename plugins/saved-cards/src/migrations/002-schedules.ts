import { Database, PluginMigration } from '@tender/core';

/**
 * Schedules: a merchant's standing order to charge a customer's saved card every
 * period (`charge_schedules`), and one row per attempt to charge a period
 * (`schedule_charges`).
 *
 * Exactly once: a process charges a period only after claiming the schedule with a
 * conditional update (`lease_owner`, `lease_until`), and every attempt has its row,
 * unique on (schedule_id, period_index, attempt), written before the payment is
 * created. The payment is created with an idempotency key made of the same three
 * values, so a process that takes over an abandoned claim (its lease ran out: a
 * crash, a restart) finds the payment the first one made instead of making another.
 *
 * Dates (`start_date`, `end_date`) are calendar days (YYYY-MM-DD) in `time_zone`;
 * times are epoch milliseconds like core's; money is BIGINT minor units.
 */
async function up(knex: Database): Promise<void> {
  await knex.schema.createTable('charge_schedules', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('customer_id', 40).notNullable();
    t.string('payment_method_id', 40).notNullable();
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.string('interval_unit', 8).notNullable();
    t.integer('interval_count').notNullable();
    t.integer('count');
    t.string('start_date', 10).notNullable();
    t.string('end_date', 10);
    t.string('time_zone', 64).notNullable();
    t.string('locale', 8);
    t.string('description', 500);
    t.text('metadata');
    t.string('status', 16).notNullable();
    t.integer('charges_made').notNullable().defaultTo(0);
    // The period (0-based) and attempt (0: on its date; 1..: retries) the charger makes next, and when.
    t.integer('next_period').notNullable().defaultTo(0);
    t.integer('next_attempt').notNullable().defaultTo(0);
    t.bigInteger('next_charge_at');
    // The last period an "upcoming charge" e-mail was queued for (-1: none yet).
    t.integer('upcoming_noticed_period').notNullable().defaultTo(-1);
    t.string('cancellation_reason', 32);
    t.bigInteger('canceled_at');
    t.bigInteger('completed_at');
    // The charger's claim: which process works on the next attempt, until when.
    t.string('lease_owner', 40);
    t.bigInteger('lease_until');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['merchant_id', 'livemode', 'seq'], 'charge_schedules_merchant_seq');
    t.index(['merchant_id', 'livemode', 'customer_id'], 'charge_schedules_customer');
    t.index(['merchant_id', 'livemode', 'payment_method_id'], 'charge_schedules_payment_method');
    // The charger's scan: live schedules by due time.
    t.index(['status', 'next_charge_at'], 'charge_schedules_due');
  });

  await knex.schema.createTable('schedule_charges', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('schedule_id', 40).notNullable();
    t.integer('period_index').notNullable();
    t.integer('attempt').notNullable();
    t.bigInteger('due_at').notNullable();
    // processing (claimed, payment not settled), succeeded, failed.
    t.string('status', 16).notNullable();
    t.string('payment_id', 40);
    t.string('failure_code', 64);
    t.string('failure_message', 500);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('finished_at');
    t.unique(['schedule_id', 'period_index', 'attempt'], { indexName: 'schedule_charges_attempt' });
    t.index(['merchant_id', 'livemode', 'schedule_id', 'seq'], 'schedule_charges_schedule_seq');
  });
}

async function down(knex: Database): Promise<void> {
  await knex.schema.dropTableIfExists('schedule_charges');
  await knex.schema.dropTableIfExists('charge_schedules');
}

/** The plugin's second migration: schedules and their charges. */
export const schedulesTables: PluginMigration = { name: '002-schedules', up, down };
