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
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('events', (t) => {
    t.bigInteger('fanout').nullable();
    t.index(['fanout', 'seq'], 'events_fanout_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('events', (t) => {
    t.dropIndex(['fanout', 'seq'], 'events_fanout_index');
    t.dropColumn('fanout');
  });
}
