import { Knex } from 'knex';

/**
 * The hosted payment page: the buyer's locale and the 3-D Secure outcome on the
 * payment, a signing secret per merchant (return_url and signed-form signatures),
 * merchant branding, one-time form tokens (CSRF and double-submit guard) and
 * payment links.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.string('locale', 8);
    // transStatus (Y, A, C, N, R, U) and ECI of the last 3-D Secure authentication.
    t.string('three_ds_status', 1);
    t.string('three_ds_eci', 2);
    // The pending challenge (JSON: ACS URL, transaction id, CReq) while requires_action.
    t.text('three_ds_challenge');
  });

  await knex.schema.alterTable('merchants', (t) => {
    t.string('signing_secret', 80);
  });

  await knex.schema.createTable('merchant_branding', (t) => {
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.text('settings').notNullable();
    t.text('template');
    t.bigInteger('updated_at').notNullable();
    t.primary(['merchant_id', 'livemode']);
  });

  await knex.schema.createTable('page_form_tokens', (t) => {
    t.string('token_hash', 64).primary();
    // What the token may be used for: a payment id or a payment link id.
    t.string('scope', 40).notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at');
    t.bigInteger('created_at').notNullable();
    t.index(['expires_at']);
  });

  await knex.schema.createTable('payment_links', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.string('description', 1000);
    t.text('return_url');
    t.string('token', 64).notNullable().unique();
    t.boolean('active').notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['merchant_id', 'livemode', 'seq']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('payment_links');
  await knex.schema.dropTableIfExists('page_form_tokens');
  await knex.schema.dropTableIfExists('merchant_branding');
  await knex.schema.alterTable('merchants', (t) => {
    t.dropColumn('signing_secret');
  });
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('three_ds_challenge');
    t.dropColumn('three_ds_eci');
    t.dropColumn('three_ds_status');
    t.dropColumn('locale');
  });
}
