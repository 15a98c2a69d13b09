import { Knex } from 'knex';

/**
 * The attempt that delivers a webhook is recorded on its `webhook_deliveries` row
 * (`delivered_started_at`, `delivered_status_code`, `delivered_latency_ms`,
 * `delivered_excerpt`; its number is the row's `attempt_count`), in the update that
 * marks the row delivered, instead of as a `webhook_attempts` row of its own. Nearly
 * every delivery succeeds at once, so this takes three row inserts off each card
 * payment (one per event) and one statement off each batch; failed attempts stay
 * rows of `webhook_attempts`. Rows delivered before this migration keep their
 * attempt there: readers take both (WebhookAttemptHistory).
 *
 * Trailing nullable columns: MariaDB adds them in place, without copying the table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.bigInteger('delivered_started_at');
    t.integer('delivered_status_code');
    t.integer('delivered_latency_ms');
    t.string('delivered_excerpt', 600);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.dropColumn('delivered_excerpt');
    t.dropColumn('delivered_latency_ms');
    t.dropColumn('delivered_status_code');
    t.dropColumn('delivered_started_at');
  });
}
