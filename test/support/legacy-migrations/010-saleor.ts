import { Knex } from 'knex';

/**
 * The Saleor app (@tender/plugin-saleor).
 *
 * `saleor_installations`: a merchant's Saleor store, declared by the merchant (its
 * GraphQL API URL) and bound when Saleor calls the app's register URL; the app token
 * Saleor hands over is sealed (AES-256-GCM, key derived from the master key) because
 * every transactionEventReport needs it in clear. Kept in the database, not in memory,
 * so every gateway process can answer Saleor.
 * `saleor_transactions`: which Tender payment backs which Saleor transaction, and the
 * last payment status reported to Saleor (the reporter sends what changed since).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('saleor_installations', (t) => {
    t.string('id', 40).primary();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('saleor_api_url', 500).notNullable();
    t.string('token_key_version', 16).nullable();
    t.string('token_iv', 24).nullable();
    t.string('token_tag', 32).nullable();
    t.text('token_ciphertext').nullable();
    t.bigInteger('registered_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['saleor_api_url']);
    t.index(['merchant_id', 'livemode']);
  });
  await knex.schema.createTable('saleor_transactions', (t) => {
    t.string('payment_id', 40).primary();
    t.string('installation_id', 40).notNullable();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('transaction_id', 200).notNullable();
    t.string('action_type', 16).notNullable();
    t.string('reported_status', 32).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['installation_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('saleor_transactions');
  await knex.schema.dropTableIfExists('saleor_installations');
}
