import { Knex } from 'knex';

/**
 * Merchant onboarding: the stage a merchant is in and what each stage collected
 * (company details, the bank chosen, when test mode ends, what a suspension
 * interrupted), and the operator's audit log.
 *
 * Merchants created before this migration were in stage 'test'; they become
 * 'applied' (test mode) with no expiry, so nothing that worked stops working.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('merchants', (t) => {
    t.bigInteger('test_mode_expires_at');
    t.string('resume_stage', 20);
    t.string('legal_name', 200);
    t.string('tax_id', 20);
    t.string('country', 2);
    t.string('address', 500);
    t.string('website', 2000);
    t.string('contact_name', 200);
    t.string('contact_phone', 40);
    t.string('chosen_bank_code', 40);
    t.bigInteger('registered_at');
    t.bigInteger('approved_at');
    t.bigInteger('live_at');
  });
  await knex('merchants').where({ stage: 'test' }).update({ stage: 'applied' });
  await knex.schema.alterTable('merchants', (t) => {
    t.index(['stage', 'created_at']);
  });

  // Every operator action: who, what, on which merchant, when. Append-only.
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('actor', 100).notNullable();
    t.string('action', 64).notNullable();
    t.string('merchant_id', 40);
    t.string('object_type', 24).notNullable();
    t.string('object_id', 40).notNullable();
    t.text('data').notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['merchant_id', 'seq']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('audit_log');
  await knex.schema.alterTable('merchants', (t) => {
    t.dropIndex(['stage', 'created_at']);
    for (const c of [
      'test_mode_expires_at',
      'resume_stage',
      'legal_name',
      'tax_id',
      'country',
      'address',
      'website',
      'contact_name',
      'contact_phone',
      'chosen_bank_code',
      'registered_at',
      'approved_at',
      'live_at',
    ]) {
      t.dropColumn(c);
    }
  });
}
