import { Knex } from 'knex';
import { backfillRiskBuckets } from '../../monitoring/risk-bucket-backfill';

/**
 * `risk_key_buckets`: per-key counters in one-minute buckets (card, IP with its card,
 * e-mail), so rules read counters instead of walking every assessment of a key in
 * their window (docs/risk.md, "How history is counted"). The primary key starts with
 * (merchant_id, livemode, key_hash, bucket_start): one key's window is one range.
 *
 * Backfilled here from the last 30 days of `risk_assessments` (grouped in SQL, one
 * row per key, currency and minute), so the windows count the attempts made before
 * the upgrade. Small attempts of that history are those at or under 500 minor units,
 * the default `small_amount`.
 *
 * `risk_key_locks.seq`: the confirm now locks its keys by incrementing it (an UPDATE),
 * a write that a Galera cluster certifies across nodes, where a `SELECT ... FOR
 * UPDATE` would lock on one node only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('risk_key_buckets', (t) => {
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('key_hash', 64).notNullable();
    t.bigInteger('bucket_start').notNullable();
    t.string('currency', 3).notNullable();
    t.string('card_fingerprint', 64).notNullable();
    t.integer('attempts').notNullable();
    t.bigInteger('amount').notNullable();
    t.integer('pending').notNullable();
    t.integer('declined').notNullable();
    t.integer('small').notNullable();
    // The options form, primary(cols, { constraintName }), compiles inside CREATE TABLE (knex 3.3, SQLite and MySQL) to
    // `constraint ... as \`constraintName\` primary key`, not this schema; migrations never change.
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the string form is the one that builds this primary key
    t.primary(['merchant_id', 'livemode', 'key_hash', 'bucket_start', 'currency', 'card_fingerprint'], 'risk_key_buckets_pk');
  });
  await knex.schema.alterTable('risk_key_locks', (t) => {
    t.bigInteger('seq').notNullable().defaultTo(0);
  });
  await backfillRiskBuckets(knex, Date.now());
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('risk_key_locks', (t) => {
    t.dropColumn('seq');
  });
  await knex.schema.dropTableIfExists('risk_key_buckets');
}
