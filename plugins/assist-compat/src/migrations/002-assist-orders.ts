import { Database, PluginMigration } from '@tender/core';

/**
 * `assist_orders`: one row per Assist order number of a merchant and mode, with the
 * terms it was first posted with and the one payment it has. The unique key is what
 * makes "one order number, one payment" hold under concurrent posts: the second of
 * two simultaneous posts loses the insert and reads the winner's row.
 *
 * `assist_merchants` gains the merchant's allowed currencies and the hosts its
 * URL_RETURN / URL_RETURN_OK / URL_RETURN_NO may point to (JSON arrays). Existing
 * merchants keep what already worked: the currencies their payments in that mode
 * used (RUB when none), and the host of their result URL.
 */
async function up(knex: Database): Promise<void> {
  await knex.schema.createTable('assist_orders', (t) => {
    t.bigIncrements('seq').primary();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('order_number', 128).notNullable();
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.boolean('two_stage').notNullable();
    // order.cfm / payrequest.cfm, or rp.cfm (a recurring charge on a saved card).
    t.string('kind', 16).notNullable();
    // Null between the claim and the payment's creation (or after a crash there).
    t.string('payment_id', 40).nullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['merchant_id', 'livemode', 'order_number']);
  });

  await knex.schema.alterTable('assist_merchants', (t) => {
    t.string('currencies', 200).notNullable().defaultTo('["RUB"]');
    t.text('return_url_hosts').nullable();
  });

  const merchants = await knex('assist_merchants').select('merchant_id', 'livemode', 'result_url');
  for (const m of merchants) {
    const used = await knex('payments').where({ merchant_id: m.merchant_id, livemode: m.livemode }).distinct('currency').limit(20);
    const currencies = used.map((r: { currency: string }) => String(r.currency)).sort();
    const hosts = typeof m.result_url === 'string' && URL.canParse(m.result_url) ? [new URL(m.result_url).hostname.toLowerCase()] : [];
    await knex('assist_merchants')
      .where({ merchant_id: m.merchant_id })
      .update({ currencies: JSON.stringify(currencies.length === 0 ? ['RUB'] : currencies), return_url_hosts: JSON.stringify(hosts) });
  }
}

async function down(knex: Database): Promise<void> {
  await knex.schema.alterTable('assist_merchants', (t) => {
    t.dropColumn('currencies');
    t.dropColumn('return_url_hosts');
  });
  await knex.schema.dropTableIfExists('assist_orders');
}

export const assistOrders: PluginMigration = { name: '002-assist-orders', up, down };
