import { Database, PluginMigration } from '@tender/core';

/**
 * Personal-account payments (@tender/plugin-accounts): the operator's certificate
 * authority, the payers it certifies and their personal accounts, the certificates
 * it issued, the nonces of signed requests, which payer paid which payment, and
 * each merchant's switch for account payments.
 *
 * Payers and certificates belong to the operator, not to a merchant: one payer pays
 * many shops. The CA private key is stored only sealed (AES-256-GCM under a key
 * derived from the master key; `key_version` names that master key).
 */
async function up(knex: Database): Promise<void> {
  await knex.schema.createTable('certificate_authorities', (t) => {
    t.string('id', 40).primary();
    t.string('subject', 500).notNullable();
    t.text('certificate_pem').notNullable();
    t.string('key_version', 16).notNullable();
    t.string('key_iv', 24).notNullable();
    t.string('key_tag', 24).notNullable();
    t.text('key_ciphertext').notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('crl_number').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('payers', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('email', 320);
    t.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('payer_accounts', (t) => {
    t.string('id', 40).primary();
    t.string('payer_id', 40).notNullable();
    t.string('account_number', 34).notNullable();
    // The BankAdapter code of the payer's bank, asked to debit the account.
    t.string('bank_adapter', 40).notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['payer_id']);
    t.unique(['bank_adapter', 'account_number']);
  });

  await knex.schema.createTable('payer_certificates', (t) => {
    t.bigIncrements('seq').primary();
    // Hex of the serial number, lower case, without leading zeros.
    t.string('serial', 40).notNullable().unique();
    t.string('ca_id', 40).notNullable();
    t.string('payer_id', 40).notNullable();
    t.string('account_id', 40).notNullable();
    t.string('subject', 500).notNullable();
    t.string('fingerprint_sha256', 64).notNullable().unique();
    t.text('certificate_pem').notNullable();
    t.string('issued_from', 8).notNullable();
    t.bigInteger('not_before').notNullable();
    t.bigInteger('not_after').notNullable();
    t.string('status', 16).notNullable();
    t.string('revocation_reason', 32);
    t.bigInteger('revoked_at');
    t.bigInteger('created_at').notNullable();
    t.index(['payer_id']);
    t.index(['ca_id', 'status']);
  });

  // A nonce is remembered until its signature would be stale anyway.
  await knex.schema.createTable('signed_request_nonces', (t) => {
    t.string('nonce_hash', 64).primary();
    t.string('certificate_serial', 40).notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
  });

  // Which payer, account and certificate paid a payment from a personal account.
  await knex.schema.createTable('account_payments', (t) => {
    t.bigIncrements('seq').primary();
    t.string('payment_id', 40).notNullable();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('bank_operation_id', 40).notNullable().unique();
    t.string('payer_id', 40).notNullable();
    t.string('account_id', 40).notNullable();
    t.string('certificate_serial', 40).notNullable();
    t.string('authenticated_by', 24).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['merchant_id', 'livemode', 'payment_id']);
  });

  await knex.schema.createTable('merchant_account_payments', (t) => {
    t.string('merchant_id', 40).primary();
    t.boolean('enabled').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
}

async function down(knex: Database): Promise<void> {
  for (const table of [
    'merchant_account_payments',
    'account_payments',
    'signed_request_nonces',
    'payer_certificates',
    'payer_accounts',
    'payers',
    'certificate_authorities',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}

/**
 * Until core 0.1 these tables were core migration 008-certificates; core migration
 * 031-accounts-plugin-tables records this one as adopted on databases that ran it.
 */
export const accountsTables: PluginMigration = { name: '001-accounts-tables', up, down };
