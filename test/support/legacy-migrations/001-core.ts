import { Knex } from 'knex';

/**
 * The core schema. Every row that belongs to a merchant carries merchant_id and
 * livemode, and every index that serves merchant queries starts with both.
 * Times are epoch milliseconds in BIGINT columns: the same on both dialects, no
 * time-zone conversions. Money is BIGINT minor units.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('merchants', (t) => {
    t.string('id', 40).primary();
    t.string('name', 200).notNullable();
    t.string('email', 320).notNullable();
    t.string('stage', 20).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('api_keys', (t) => {
    t.string('id', 40).primary();
    t.string('merchant_id', 40).notNullable().references('id').inTable('merchants');
    t.boolean('livemode').notNullable();
    t.string('kind', 20).notNullable();
    t.string('key_hash', 64).notNullable().unique();
    t.string('display', 40).notNullable();
    t.string('label', 100);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at');
    t.bigInteger('revoked_at');
    t.index(['merchant_id', 'livemode']);
  });

  await knex.schema.createTable('card_vault', (t) => {
    t.string('id', 40).primary();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('fingerprint', 64).notNullable();
    t.string('key_version', 16).notNullable();
    t.string('wrapped_key', 120).notNullable();
    t.string('iv', 24).notNullable();
    t.string('tag', 24).notNullable();
    t.string('ciphertext', 80).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['merchant_id', 'livemode', 'fingerprint']);
  });

  await knex.schema.createTable('payments', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('status', 24).notNullable();
    t.bigInteger('amount').notNullable();
    t.bigInteger('amount_captured').notNullable().defaultTo(0);
    t.bigInteger('amount_refunded').notNullable().defaultTo(0);
    t.bigInteger('amount_refund_pending').notNullable().defaultTo(0);
    t.string('currency', 3).notNullable();
    t.string('order_id', 128).notNullable();
    t.string('description', 1000);
    t.string('capture_method', 16).notNullable();
    t.text('return_url');
    t.text('metadata');
    t.string('page_token', 64).notNullable().unique();
    t.string('failure_code', 64);
    t.string('failure_message', 500);
    t.string('card_token', 40);
    t.string('card_brand', 20);
    t.string('card_bin', 6);
    t.string('card_last4', 4);
    t.integer('card_exp_month');
    t.integer('card_exp_year');
    t.string('card_fingerprint', 64);
    t.string('operation_in_progress', 40);
    t.string('create_idempotency_key', 255);
    t.integer('version').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['merchant_id', 'livemode', 'seq']);
    t.index(['merchant_id', 'livemode', 'order_id']);
    t.index(['merchant_id', 'livemode', 'status', 'seq']);
    t.index(['merchant_id', 'livemode', 'updated_at']);
    t.unique(['merchant_id', 'livemode', 'create_idempotency_key']);
  });

  await knex.schema.createTable('refunds', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('payment_id', 40).notNullable();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.string('reason', 500);
    t.string('failure_code', 64);
    t.string('failure_message', 500);
    t.string('create_idempotency_key', 255);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['merchant_id', 'livemode', 'payment_id']);
    t.unique(['merchant_id', 'livemode', 'create_idempotency_key']);
  });

  // One row per request Tender sends to a bank; its id is the reference the bank
  // sees, so a retry of the same operation is recognisably the same.
  await knex.schema.createTable('bank_operations', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('payment_id', 40).notNullable();
    t.string('refund_id', 40);
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('kind', 16).notNullable();
    t.string('adapter_code', 40).notNullable();
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.string('status', 16).notNullable();
    t.string('authorization_code', 12);
    t.string('rrn', 24);
    t.string('bank_reference', 64);
    t.string('raw_code', 16);
    t.string('failure_code', 64);
    t.string('failure_message', 500);
    t.integer('tries').notNullable().defaultTo(1);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['payment_id']);
    t.index(['status', 'updated_at']);
  });

  // The transactional outbox: written in the same transaction as the change it announces.
  await knex.schema.createTable('events', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('type', 64).notNullable();
    t.string('object_type', 24).notNullable();
    t.string('object_id', 40).notNullable();
    t.text('data', 'mediumtext').notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['merchant_id', 'livemode', 'seq']);
    t.index(['object_id']);
  });

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.bigIncrements('seq').primary();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('idem_key', 255).notNullable();
    t.string('fingerprint', 64).notNullable();
    t.string('status', 16).notNullable();
    t.integer('response_status');
    t.text('response_body', 'mediumtext');
    t.bigInteger('locked_until').notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['merchant_id', 'livemode', 'idem_key']);
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['idempotency_keys', 'events', 'bank_operations', 'refunds', 'payments', 'card_vault', 'api_keys', 'merchants']) {
    await knex.schema.dropTableIfExists(table);
  }
}
