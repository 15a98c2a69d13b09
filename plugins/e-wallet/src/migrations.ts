import { Database, PluginMigration } from '@tender/core';

/**
 * The sandbox wallet's own ledger: its payments (keyed by Tender's reference, the
 * wallet's idempotence key) and refunds. Only test-mode payments reach it.
 */
async function up(knex: Database): Promise<void> {
  await knex.schema.createTable('e_wallet_sandbox_payments', (t) => {
    t.string('reference', 64).primary();
    t.string('wallet_payment_id', 40).notNullable().unique('e_wallet_sandbox_payments_wallet_id');
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.string('description', 128).notNullable();
    t.string('return_url', 500).notNullable();
    // waiting, succeeded, canceled
    t.string('status', 16).notNullable();
    t.bigInteger('refunded').notNullable().defaultTo(0);
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('e_wallet_sandbox_refunds', (t) => {
    t.string('reference', 64).primary();
    t.string('payment_reference', 64).notNullable();
    t.bigInteger('amount').notNullable();
    // succeeded, canceled
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
  });
}

async function down(knex: Database): Promise<void> {
  await knex.schema.dropTable('e_wallet_sandbox_refunds');
  await knex.schema.dropTable('e_wallet_sandbox_payments');
}

export const eWalletSandboxTables: PluginMigration = { name: '001-e-wallet-sandbox', up, down };
