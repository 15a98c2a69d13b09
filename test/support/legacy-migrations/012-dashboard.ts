import { Knex } from 'knex';

/**
 * The merchant dashboard's payments table, its support refund limit and the branding
 * editor's draft.
 *
 * The table lists newest first by (created_at, seq) and pages with a keyset cursor
 * on that pair, so every page is one index range read whatever its depth. Each
 * index below starts with (merchant_id, livemode), then the column a search or
 * filter pins to one value, then the sort key: the database walks the index in
 * order and stops after one page, never sorting or skipping rows (docs/dashboard.md,
 * "Screens"). The unfiltered table uses migration 011's (merchant_id, livemode,
 * created_at): InnoDB and SQLite both end a secondary index with the primary key
 * (seq), so it is already in (created_at, seq) order and a second copy would only
 * slow every payment write. Names are explicit because MySQL limits them to 64
 * characters.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.index(['merchant_id', 'livemode', 'status', 'created_at', 'seq'], 'payments_dash_status');
    t.index(['merchant_id', 'livemode', 'card_last4', 'created_at', 'seq'], 'payments_dash_last4');
    t.index(['merchant_id', 'livemode', 'customer_email', 'created_at', 'seq'], 'payments_dash_email');
  });

  // The most a support user may refund in one refund, per currency; no row means
  // support may not refund in that currency at all. Owners set it on the dashboard.
  await knex.schema.createTable('support_refund_limits', (t) => {
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('currency', 3).notNullable();
    t.bigInteger('max_amount').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['merchant_id', 'livemode', 'currency']);
  });

  // The branding editor's unpublished draft (one per merchant and mode): the preview
  // frames read it from here, so any gateway process can serve them and the draft can
  // be as large as the branding input allows (a URL could not carry 40 kB of template).
  await knex.schema.createTable('branding_drafts', (t) => {
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.text('input', 'mediumtext').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['merchant_id', 'livemode']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('branding_drafts');
  await knex.schema.dropTableIfExists('support_refund_limits');
  await knex.schema.alterTable('payments', (t) => {
    t.dropIndex([], 'payments_dash_status');
    t.dropIndex([], 'payments_dash_last4');
    t.dropIndex([], 'payments_dash_email');
  });
}
