import { Knex } from 'knex';

/**
 * `payments.method_type`: the type of the registered PaymentMethod of the latest
 * confirm ('card', 'account', a plugin's own type), set by PaymentService in the
 * confirm transaction; null until a payment is confirmed. The dashboard's payment
 * search filters by it, so core never names a plugin's table to learn how a payment
 * was paid (docs/architecture.md, "Payment methods").
 *
 * Backfill: a payment with card columns was confirmed by card; one without, that
 * the accounts plugin's `account_payments` names, by personal account (that table
 * exists where core's old migration 008 or the plugin created it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.string('method_type', 40).nullable();
  });
  await knex('payments').whereNotNull('card_brand').update({ method_type: 'card' });
  if (await knex.schema.hasTable('account_payments')) {
    await knex('payments')
      .whereNull('method_type')
      .whereExists((sub) => sub.select(knex.raw('1')).from('account_payments').whereRaw('account_payments.payment_id = payments.id'))
      .update({ method_type: 'account' });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('method_type');
  });
}
