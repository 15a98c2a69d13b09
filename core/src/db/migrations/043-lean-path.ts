import { Knex } from 'knex';

/**
 * The lean payment path (issue 24 item 3).
 *
 * - `events.fanout`: webhook deliveries are made from events by the dispatcher, not
 *   in the payment's transaction. An event is written with `fanout = 0` (waiting);
 *   a dispatcher takes a batch by setting a random claim token with one conditional
 *   UPDATE (`WHERE seq IN (...) AND fanout = 0`) and inserts the deliveries in that
 *   same transaction, so each event is fanned out exactly once however many
 *   dispatchers run, and a crash rolls both back. Events written before this
 *   migration keep NULL: their deliveries were made when they were written.
 *   `(fanout, seq)` makes the waiting ones an index range read.
 * - `bank_operations.connection_id`, `bank_code`, `route_reason`, `attempt_result`:
 *   an authorization attempt is recorded on its bank operation row, written (pending)
 *   in the confirm's first transaction, before the bank is asked. The reconciler so
 *   knows the connection even if the process dies at once, and the attempt costs
 *   neither a statement nor a commit of its own. `attempt_result` is written only
 *   when the operation's final status would not tell it (unknown, action required,
 *   skipped); otherwise the status says it. `payment_attempts` keeps the attempts
 *   recorded before this migration and is read with them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('events', (t) => {
    t.bigInteger('fanout').nullable();
    t.index(['fanout', 'seq'], 'events_fanout_index');
  });
  await knex.schema.alterTable('bank_operations', (t) => {
    t.string('connection_id', 40).nullable();
    t.string('bank_code', 64).nullable();
    t.string('route_reason', 500).nullable();
    t.string('attempt_result', 24).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('bank_operations', (t) => {
    for (const column of ['connection_id', 'bank_code', 'route_reason', 'attempt_result']) t.dropColumn(column);
  });
  await knex.schema.alterTable('events', (t) => {
    t.dropIndex(['fanout', 'seq'], 'events_fanout_index');
    t.dropColumn('fanout');
  });
}
