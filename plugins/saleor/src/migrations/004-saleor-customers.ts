import { Database, PluginMigration } from '@tender/core';

/**
 * Saved cards in the Saleor app (issue 20): which Tender customer (`cus_...`, of the
 * saved-cards plugin) a Saleor user is, per installation (so per merchant and mode).
 * The primary key makes the mapping unique under concurrent first payments.
 */
async function up(knex: Database): Promise<void> {
  await knex.schema.createTable('saleor_customers', (t) => {
    t.string('installation_id', 40).notNullable();
    t.string('saleor_user_id', 128).notNullable();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('customer_id', 40).notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['installation_id', 'saleor_user_id']);
    t.index(['merchant_id', 'livemode', 'customer_id']);
  });
}

async function down(knex: Database): Promise<void> {
  await knex.schema.dropTable('saleor_customers');
}

export const saleorCustomers: PluginMigration = { name: '004-saleor-customers', up, down };
