import { PluginMigration } from '@tender/core';

/**
 * The starter's tables, owned by the plugin and migrated by the gateway after core's
 * own, once per database, each in a transaction with its record in
 * `tender_plugin_migrations`. Never rename or reorder a published migration: append.
 * Tables start with the short name (`starter_`), so two plugins never collide.
 */
export const migrations: readonly PluginMigration[] = [
  {
    name: '001-starter-vouchers',
    async up(db) {
      // One row per voucher a merchant issued, in one mode. The code is a bearer
      // secret: only its SHA-256 and its last four characters are kept.
      await db.schema.createTable('starter_vouchers', (t) => {
        t.string('id', 40).primary();
        t.string('merchant_id', 40).notNullable();
        t.boolean('livemode').notNullable();
        t.string('code_hash', 64).notNullable().unique();
        t.string('code_last4', 4).notNullable();
        t.string('currency', 3).notNullable();
        // Integer minor units; the balance only moves by conditional updates (voucher-ledger.ts).
        t.bigInteger('amount').notNullable();
        t.bigInteger('balance').notNullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('updated_at').notNullable();
        t.index(['merchant_id', 'livemode', 'created_at']);
      });
      // One row per bank operation the voucher ledger answered, keyed by the
      // operation's reference: a retried operation finds its row and is not applied twice.
      await db.schema.createTable('starter_voucher_operations', (t) => {
        t.string('reference', 64).primary();
        t.string('voucher_id', 40).notNullable();
        t.string('payment_id', 40).notNullable();
        t.string('kind', 16).notNullable();
        t.bigInteger('amount').notNullable();
        t.bigInteger('created_at').notNullable();
        t.index(['voucher_id']);
      });
    },
    async down(db) {
      await db.schema.dropTableIfExists('starter_voucher_operations');
      await db.schema.dropTableIfExists('starter_vouchers');
    },
  },
];
