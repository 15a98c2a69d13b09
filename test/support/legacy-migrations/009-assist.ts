import { Knex } from 'knex';

/**
 * The Assist-compatible protocol plugin (@tender/plugin-assist-compat).
 *
 * `assist_merchants`: a Tender merchant that speaks Assist, with the Merchant_ID its
 * shop modules know, the secret word (SALT, sealed with a key derived from the master
 * key: checkvalues need it in clear), and the API login with a scrypt hash of its
 * password. `assist_pushes`: one row per payment event to push to the shop's result
 * URL, with its delivery attempts.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('assist_merchants', (t) => {
    t.string('merchant_id', 40).primary();
    t.bigInteger('assist_merchant_id').notNullable().unique();
    t.boolean('enabled').notNullable();
    t.boolean('livemode').notNullable();
    t.boolean('checkvalue_required').notNullable();
    t.string('salt_key_version', 16).notNullable();
    t.string('salt_iv', 24).notNullable();
    t.string('salt_tag', 32).notNullable();
    t.text('salt_ciphertext').notNullable();
    t.string('login', 40).notNullable();
    t.string('password_hash', 200).notNullable();
    t.string('result_url', 2000).nullable();
    // Events at or below this seq happened before the shop spoke Assist: never pushed.
    t.bigInteger('events_after_seq').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('assist_pushes', (t) => {
    t.bigIncrements('seq').primary();
    t.bigInteger('event_seq').notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('payment_id', 40).notNullable();
    t.string('status', 16).notNullable();
    t.integer('attempts').notNullable();
    t.bigInteger('next_attempt_at').notNullable();
    t.string('last_error', 500).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['status', 'next_attempt_at']);
    t.index(['merchant_id', 'livemode', 'payment_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('assist_pushes');
  await knex.schema.dropTableIfExists('assist_merchants');
}
