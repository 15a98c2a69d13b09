import { Database, PluginMigration } from '@tender/core';

/**
 * The saved-cards plugin's own tables: merchant-scoped customers, the cards saved
 * for them (`customer_payment_methods`; the PAN stays in core's vault, a row here
 * names its vault row and shows only brand, last 4 and expiry), the buyers'
 * consents to saving (`card_consents`, with time, IP and the consent text's version)
 * and setups without charging (`setup_attempts`).
 *
 * Every index that serves merchant queries starts with merchant_id and livemode;
 * indexes are named (knex's generated names pass MariaDB's 64-character limit).
 * Times are milliseconds since the epoch, like core's.
 */
async function up(knex: Database): Promise<void> {
  await knex.schema.createTable('customers', (t) => {
    // seq orders the list (starting_after) the way payments' seq does.
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('email', 320);
    t.string('name', 200);
    t.string('phone', 40);
    t.string('description', 500);
    t.text('metadata');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    // Set when the customer was erased: personal fields blanked, cards deleted.
    t.bigInteger('erased_at');
    t.index(['merchant_id', 'livemode', 'seq'], 'customers_merchant_seq');
    t.index(['merchant_id', 'livemode', 'email'], 'customers_merchant_email');
  });

  await knex.schema.createTable('customer_payment_methods', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('customer_id', 40).notNullable();
    // Core's card_vault row holding this card's PAN; null once the card is deleted (the vault row with it).
    t.string('vault_id', 40);
    t.string('fingerprint', 64).notNullable();
    t.string('brand', 20).notNullable();
    t.string('last4', 4).notNullable();
    t.integer('exp_month').notNullable();
    t.integer('exp_year').notNullable();
    t.string('usage', 16).notNullable();
    // The first payment's network reference: what merchant-initiated payments quote to the bank.
    t.string('network_reference', 64);
    t.string('first_payment_id', 40);
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('deleted_at');
    // Claimed by the expiry notice job (one conditional update), so two processes never both notify.
    t.bigInteger('expiring_notified_at');
    t.index(['merchant_id', 'livemode', 'customer_id', 'status'], 'cpm_customer_status');
    t.index(['merchant_id', 'livemode', 'customer_id', 'fingerprint'], 'cpm_customer_fingerprint');
    t.index(['status', 'exp_year', 'exp_month'], 'cpm_status_expiry');
  });

  await knex.schema.createTable('card_consents', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    // Null until the payment succeeds and the card is saved.
    t.string('payment_method_id', 40);
    t.string('payment_id', 40).notNullable();
    t.string('customer_id', 40).notNullable();
    t.string('usage', 16).notNullable();
    // False: the hosted page asked and the buyer left the box unticked (the card is not saved).
    t.boolean('granted').notNullable();
    t.string('source', 16).notNullable();
    t.string('text_version', 40);
    t.string('locale', 8);
    t.string('ip', 64);
    t.bigInteger('recorded_at').notNullable();
    t.index(['merchant_id', 'livemode', 'payment_id'], 'card_consents_payment');
    t.index(['merchant_id', 'livemode', 'payment_method_id'], 'card_consents_payment_method');
    t.index(['merchant_id', 'livemode', 'customer_id'], 'card_consents_customer');
  });

  // Setup without charging: each attempt is a verification payment of core's, voided once approved.
  await knex.schema.createTable('setup_attempts', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('customer_id', 40).notNullable();
    t.string('payment_id', 40).notNullable();
    t.string('usage', 16).notNullable();
    // pending -> voiding (claimed by one process) -> succeeded | failed
    t.string('status', 16).notNullable();
    t.string('payment_method_id', 40);
    t.string('failure_code', 60);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['merchant_id', 'livemode', 'customer_id'], 'setup_attempts_customer');
    t.index(['status', 'updated_at'], 'setup_attempts_status');
  });
}

async function down(knex: Database): Promise<void> {
  await knex.schema.dropTableIfExists('setup_attempts');
  await knex.schema.dropTableIfExists('card_consents');
  await knex.schema.dropTableIfExists('customer_payment_methods');
  await knex.schema.dropTableIfExists('customers');
}

/** The plugin's first migration: customers, saved cards and consents. */
export const savedCardsTables: PluginMigration = { name: '001-saved-cards-tables', up, down };
