import { Knex } from 'knex';

/**
 * `card_tokens`: single-use card tokens (`tok_...`) that embedded card fields create
 * from the buyer's browser with a publishable key. The PAN is in `card_vault`
 * (`vault_id`); the row keeps only what a payment may show (brand, BIN, last 4,
 * expiry) and the shop origin the fields ran on. The CVC is never here: it lives in
 * the gateway process's memory until the token is used or expires
 * (docs/embedded-fields.md). `used_at`/`payment_id` are set by the confirm
 * transaction that spends the token, with a conditional UPDATE: single use.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('card_tokens', (t) => {
    t.string('id', 40).primary();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('vault_id', 40).notNullable();
    t.string('fingerprint', 64).notNullable();
    t.string('brand', 20).notNullable();
    t.string('bin', 6).notNullable();
    t.string('last4', 4).notNullable();
    t.integer('exp_month').notNullable();
    t.integer('exp_year').notNullable();
    t.string('origin', 200).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at').nullable();
    t.string('payment_id', 40).nullable();
    t.index(['merchant_id', 'livemode', 'created_at'], 'card_tokens_merchant_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('card_tokens');
}
