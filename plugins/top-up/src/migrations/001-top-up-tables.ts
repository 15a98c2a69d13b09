import { PluginMigration } from '@tender/core';

/** The plugin's tables: settings, top-ups (with the delivery lease) and the sandbox provider's ledger. */
export const topUpTables: PluginMigration = {
  name: '001-top-up-tables',
  async up(db) {
    await db.schema.createTable('top_up_settings', (t) => {
      t.string('id', 20).primary();
      t.text('settings').notNullable();
      t.bigInteger('updated_at').notNullable();
    });
    await db.schema.createTable('top_ups', (t) => {
      t.string('id', 40).primary();
      t.string('merchant_id', 40).notNullable();
      t.boolean('livemode').notNullable();
      t.string('token', 64).notNullable().unique();
      t.string('phone', 16).notNullable();
      t.string('operator_inn', 10).notNullable();
      t.string('operator_name', 60).notNullable();
      t.bigInteger('amount').notNullable();
      t.bigInteger('fee').notNullable();
      t.bigInteger('total').notNullable();
      t.string('currency', 3).notNullable();
      t.string('email', 320).nullable();
      t.string('locale', 5).notNullable();
      t.string('payment_id', 40).nullable().unique();
      t.string('status', 20).notNullable();
      t.string('provider_reference', 100).nullable();
      t.string('refund_id', 40).nullable();
      t.string('failure_reason', 200).nullable();
      t.integer('attempts').notNullable().defaultTo(0);
      t.string('lease_owner', 40).nullable();
      t.bigInteger('lease_until').nullable();
      t.bigInteger('next_attempt_at').notNullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.index(['phone', 'created_at'], 'top_ups_phone_created');
      t.index(['status', 'next_attempt_at'], 'top_ups_status_next');
    });
    // One row per number ever topped up: locked while a new top-up of that number is checked against its daily limit.
    await db.schema.createTable('top_up_number_locks', (t) => {
      t.string('phone', 16).primary();
    });
    // The sandbox provider's own books: what "took effect" at the simulated operator.
    await db.schema.createTable('top_up_sandbox_operations', (t) => {
      t.string('reference', 60).primary();
      t.string('phone', 16).notNullable();
      t.bigInteger('amount').notNullable();
      t.string('outcome', 20).notNullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('settles_at').notNullable();
    });
    await db.schema.createTable('top_up_sandbox_calls', (t) => {
      t.increments('id').primary();
      t.string('reference', 60).notNullable();
      t.string('kind', 10).notNullable();
      t.bigInteger('at').notNullable();
      t.index(['reference'], 'top_up_sandbox_calls_ref');
    });
  },
  async down(db) {
    for (const table of ['top_up_sandbox_calls', 'top_up_sandbox_operations', 'top_up_number_locks', 'top_ups', 'top_up_settings'])
      await db.schema.dropTableIfExists(table);
  },
};
