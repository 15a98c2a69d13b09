import { Knex } from 'knex';

/**
 * Indexes for pruning the risk history keys (RiskBucketPruner, docs/risk.md "Pruning"):
 * `risk_key_buckets(bucket_start)`, so the minutes older than the longest window are
 * one index range (the primary key starts with the merchant and key, so without it
 * finding them reads the whole table), and `risk_key_locks(created_at)`, so lock rows
 * old enough to have outlived their buckets are one range too.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('risk_key_buckets', (t) => {
    t.index(['bucket_start'], 'risk_key_buckets_age_idx');
  });
  await knex.schema.alterTable('risk_key_locks', (t) => {
    t.index(['created_at'], 'risk_key_locks_age_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('risk_key_locks', (t) => {
    t.dropIndex(['created_at'], 'risk_key_locks_age_idx');
  });
  await knex.schema.alterTable('risk_key_buckets', (t) => {
    t.dropIndex(['bucket_start'], 'risk_key_buckets_age_idx');
  });
}
