import { Knex } from 'knex';

/**
 * Card on file (stored credentials) on `payments`: the customer a payment is for
 * (`customer_id`, an id a plugin's CustomerDirectory knows), what it asks to keep
 * the card for (`setup_future_usage`), whether the merchant initiated it with the
 * buyer absent (`off_session`), the stored payment method it was paid with
 * (`payment_method_id`, PaymentInstrument.paymentMethodId) and the card network's
 * reference of its approved authorization (`network_reference`), which later
 * merchant-initiated payments with the same card send to the bank. Core names no
 * plugin's table: these are ids and facts the bank contract and the API carry.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.string('customer_id', 40).nullable();
    t.string('setup_future_usage', 16).nullable();
    t.boolean('off_session').notNullable().defaultTo(false);
    t.string('payment_method_id', 40).nullable();
    t.string('network_reference', 64).nullable();
    t.index(['merchant_id', 'livemode', 'customer_id'], 'payments_customer_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.dropIndex(['merchant_id', 'livemode', 'customer_id'], 'payments_customer_idx');
    t.dropColumn('customer_id');
    t.dropColumn('setup_future_usage');
    t.dropColumn('off_session');
    t.dropColumn('payment_method_id');
    t.dropColumn('network_reference');
  });
}
