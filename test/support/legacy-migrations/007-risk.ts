import { Knex } from 'knex';

/**
 * Transaction monitoring. `risk_assessments` is both the record of every decision
 * and the history rules query: each history index starts with (merchant_id,
 * livemode, key) and ends with created_at, so a query for one card, IP or e-mail in
 * a time window reads only that window. Index names are explicit because MySQL
 * limits them to 64 characters.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.integer('risk_score');
    t.string('risk_decision', 16);
    t.text('risk_reasons');
  });

  await knex.schema.createTable('risk_assessments', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('payment_id', 40).notNullable();
    t.string('card_fingerprint', 64).notNullable();
    t.string('card_bin', 8).notNullable();
    t.string('ip', 45);
    t.string('email', 320);
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.integer('score').notNullable();
    t.string('decision', 16).notNullable();
    t.string('action', 16).notNullable();
    t.string('dry_run_decision', 16).notNullable();
    t.text('reasons').notNullable();
    t.string('rule_set_versions', 40).notNullable();
    t.string('outcome', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    // outcome last: the declines count filters on it while walking the index only.
    t.index(['merchant_id', 'livemode', 'card_fingerprint', 'created_at', 'outcome'], 'risk_assessments_card');
    // card_fingerprint last: distinct cards per IP are counted from the index alone.
    t.index(['merchant_id', 'livemode', 'ip', 'created_at', 'card_fingerprint'], 'risk_assessments_ip');
    t.index(['merchant_id', 'livemode', 'email', 'created_at'], 'risk_assessments_email');
    t.index(['merchant_id', 'livemode', 'created_at'], 'risk_assessments_time');
    // Covers the usual-ticket query (outcome and amount in the index, no row lookups).
    t.index(['merchant_id', 'livemode', 'currency', 'outcome', 'created_at', 'amount'], 'risk_assessments_ticket');
    t.index(['merchant_id', 'livemode', 'payment_id'], 'risk_assessments_payment');
  });

  // Append-only versions; the operator's set has merchant_id '' (livemode false).
  await knex.schema.createTable('risk_rule_sets', (t) => {
    t.bigIncrements('seq').primary();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.integer('version').notNullable();
    t.text('settings', 'mediumtext').notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['merchant_id', 'livemode', 'version'], { indexName: 'risk_rule_sets_version' });
  });

  await knex.schema.createTable('risk_reviews', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('payment_id', 40).notNullable();
    t.string('assessment_id', 40).notNullable();
    t.string('status', 16).notNullable();
    t.integer('score').notNullable();
    t.text('reasons').notNullable();
    t.string('card_fingerprint', 64).notNullable();
    t.string('ip', 45);
    t.string('email', 320);
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.bigInteger('expires_at').notNullable();
    t.string('expire_decision', 16).notNullable();
    t.string('decided_by', 16);
    t.bigInteger('decided_at');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['merchant_id', 'livemode', 'status', 'seq'], 'risk_reviews_list');
    t.index(['merchant_id', 'livemode', 'payment_id'], 'risk_reviews_payment');
    t.index(['status', 'expires_at'], 'risk_reviews_due');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['risk_reviews', 'risk_rule_sets', 'risk_assessments']) await knex.schema.dropTableIfExists(table);
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('risk_score');
    t.dropColumn('risk_decision');
    t.dropColumn('risk_reasons');
  });
}
