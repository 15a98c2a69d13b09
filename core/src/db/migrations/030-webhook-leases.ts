import { Knex } from 'knex';

/**
 * Webhook deliveries claimed by an index range read (issue 24 item 5).
 *
 * - `webhook_deliveries.lease_token`: the claim writes a fresh token on the rows it
 *   takes with one conditional UPDATE, then reads back only the rows carrying its
 *   token; several dispatchers racing for the same candidates each get a disjoint
 *   share. While a delivery is in flight its `next_attempt_at` is the end of the
 *   lease, so the claim's range (`status = 'pending' AND next_attempt_at <= now` on
 *   the `(status, next_attempt_at)` index of 004) never meets rows in flight, rows
 *   backed off into the future, or delivered rows.
 * - `webhook_endpoints.retrying_since`: set when a delivery to the endpoint is put
 *   back for a retry, cleared when one succeeds; the dispatcher then pulls the
 *   endpoint's backed-off deliveries forward, so a recovered endpoint gets its
 *   backlog at once instead of at each delivery's own backoff.
 * - `(endpoint_id, status, next_attempt_at)` replaces 004's `(endpoint_id, status,
 *   seq)`, which only the old claim's per-endpoint order check read: the
 *   pull-forward reads just the endpoint's pending rows that wait in the future,
 *   and a payment's delivery insert still maintains the same number of indexes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.string('lease_token', 24);
    t.index(['endpoint_id', 'status', 'next_attempt_at'], 'webhook_deliveries_endpoint_due_index');
    t.dropIndex(['endpoint_id', 'status', 'seq']);
  });
  await knex.schema.alterTable('webhook_endpoints', (t) => {
    t.bigInteger('retrying_since');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_endpoints', (t) => {
    t.dropColumn('retrying_since');
  });
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.index(['endpoint_id', 'status', 'seq']);
    t.dropIndex(['endpoint_id', 'status', 'next_attempt_at'], 'webhook_deliveries_endpoint_due_index');
    t.dropColumn('lease_token');
  });
}
