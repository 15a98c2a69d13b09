import { Knex } from 'knex';

/**
 * Amount adjustments at confirm (AmountAdjuster, e.g. a loyalty discount): a
 * payment keeps what the merchant asked for (`amount_gross`, null until a confirm
 * adjusted it: then it equals `amount`) and the discount taken off it
 * (`amount_discount`). `amount` stays what the bank is asked for, so captures and
 * refunds stay limited by the net amount the bank charged.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.bigInteger('amount_gross').nullable();
    t.bigInteger('amount_discount').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('amount_gross');
    t.dropColumn('amount_discount');
  });
}
