import { Knex } from 'knex';

/**
 * Refunds made outside Saleor (Tender's API or dashboard) are reported to Saleor by
 * the Saleor app's reporter. `reported_amount_refunded` is the payment's
 * amount_refunded the reporter last accounted for (so a second partial refund, which
 * leaves the status at partially_refunded, is still noticed);
 * `reported_outside_refunded` is the total of outside refunds already reported.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('saleor_transactions', (t) => {
    t.bigInteger('reported_amount_refunded').notNullable().defaultTo(0);
    t.bigInteger('reported_outside_refunded').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('saleor_transactions', (t) => {
    t.dropColumn('reported_amount_refunded');
    t.dropColumn('reported_outside_refunded');
  });
}
