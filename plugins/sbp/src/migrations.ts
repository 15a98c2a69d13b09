import { Database, PluginMigration } from '@tender/core';

/**
 * The sandbox SBP bank's own ledger: the QR codes it registered (keyed by Tender's
 * reference, as a real bank keys them by order id) and its return transfers. Only
 * test-mode payments reach it. Times are milliseconds since the epoch, like core's.
 */
async function up(knex: Database): Promise<void> {
  await knex.schema.createTable('sbp_sandbox_qrs', (t) => {
    t.string('reference', 64).primary();
    t.string('payment_id', 40).notNullable();
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.string('purpose', 140).notNullable();
    // pending, paid, rejected
    t.string('status', 16).notNullable();
    t.string('operation_id', 40);
    t.bigInteger('refunded').notNullable().defaultTo(0);
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('sbp_sandbox_returns', (t) => {
    t.string('reference', 64).primary();
    t.string('qr_reference', 64).notNullable();
    t.bigInteger('amount').notNullable();
    // succeeded, failed
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['qr_reference'], 'sbp_sandbox_returns_qr');
  });
}

async function down(knex: Database): Promise<void> {
  await knex.schema.dropTable('sbp_sandbox_returns');
  await knex.schema.dropTable('sbp_sandbox_qrs');
}

export const sbpSandboxTables: PluginMigration = { name: '001-sbp-sandbox', up, down };
