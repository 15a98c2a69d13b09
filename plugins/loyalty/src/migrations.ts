import { Database, PluginMigration } from '@tender/core';

type Db = Database;

/**
 * The loyalty tables. Points live in a double-entry ledger: every movement
 * (accrual, redemption, reversal, return, expiry) is two or more entries on
 * accounts that sum to zero; a member account's balance is kept next to its
 * entries with a version and may never go below zero, a program's own accounts
 * (issued, redeemed, expired, written_off) carry the other side.
 */
export const loyaltyTables: PluginMigration = {
  name: '001-loyalty-tables',
  async up(db: Db): Promise<void> {
    await db.schema.createTable('loyalty_programs', (t) => {
      t.string('id', 40).primary();
      t.string('merchant_id', 40).nullable(); // null: the operator's program, across merchants
      t.boolean('livemode').notNullable();
      t.string('name', 100).notNullable();
      t.string('currency', 3).notNullable();
      t.integer('point_value').notNullable(); // minor units one point is worth
      t.integer('base_bps').notNullable(); // points accrued per captured amount, in basis points
      t.integer('max_redeem_bps').notNullable(); // the largest share of a payment points may pay
      t.integer('expiry_days').nullable();
      t.string('status', 16).notNullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.index(['merchant_id', 'livemode'], 'loyalty_programs_owner_idx');
    });
    await db.schema.createTable('loyalty_rules', (t) => {
      t.string('id', 40).primary();
      t.string('program_id', 40).notNullable().references('id').inTable('loyalty_programs');
      t.string('kind', 16).notNullable(); // bonus | fixed_discount
      t.string('merchant_id', 40).nullable();
      t.string('category', 64).nullable();
      t.integer('bps').notNullable().defaultTo(0);
      t.bigInteger('amount').notNullable().defaultTo(0);
      t.bigInteger('min_amount').notNullable().defaultTo(0);
      t.bigInteger('created_at').notNullable();
      t.index(['program_id'], 'loyalty_rules_program_idx');
    });
    await db.schema.createTable('loyalty_tiers', (t) => {
      t.string('id', 40).primary();
      t.string('program_id', 40).notNullable().references('id').inTable('loyalty_programs');
      t.string('name', 60).notNullable();
      t.bigInteger('min_points').notNullable();
      t.integer('bonus_bps').notNullable();
      t.unique(['program_id', 'min_points'], { indexName: 'loyalty_tiers_threshold_uq' });
    });
    await db.schema.createTable('loyalty_accounts', (t) => {
      t.string('id', 40).primary();
      t.string('program_id', 40).notNullable().references('id').inTable('loyalty_programs');
      t.string('kind', 16).notNullable(); // member | issued | redeemed | expired | written_off
      t.string('system_key', 80).nullable().unique(); // <program>:<kind> for a program's own accounts
      t.bigInteger('balance').notNullable().defaultTo(0);
      t.bigInteger('lifetime_points').notNullable().defaultTo(0);
      t.integer('version').notNullable().defaultTo(0);
      t.bigInteger('last_activity_at').notNullable();
      t.bigInteger('created_at').notNullable();
    });
    await db.schema.createTable('loyalty_cards', (t) => {
      t.string('id', 40).primary();
      t.string('program_id', 40).notNullable().references('id').inTable('loyalty_programs');
      t.string('account_id', 40).notNullable().references('id').inTable('loyalty_accounts');
      t.string('number', 19).notNullable().unique();
      t.string('card_fingerprint', 128).nullable();
      t.string('holder', 200).nullable();
      t.bigInteger('created_at').notNullable();
      t.unique(['program_id', 'card_fingerprint'], { indexName: 'loyalty_cards_fingerprint_uq' });
    });
    await db.schema.createTable('loyalty_movements', (t) => {
      t.string('id', 40).primary();
      t.string('program_id', 40).notNullable().references('id').inTable('loyalty_programs');
      t.string('card_id', 40).notNullable().references('id').inTable('loyalty_cards');
      t.string('kind', 16).notNullable(); // accrual | redemption | reversal | return | expiry
      t.bigInteger('points').notNullable();
      t.bigInteger('discount').notNullable().defaultTo(0); // minor units a redemption took off
      t.string('merchant_id', 40).nullable();
      t.boolean('livemode').notNullable();
      t.string('payment_id', 40).nullable();
      t.string('reverses_id', 40).nullable();
      t.string('idempotency_key', 120).notNullable().unique();
      t.bigInteger('created_at').notNullable();
      t.index(['payment_id'], 'loyalty_movements_payment_idx');
      t.index(['card_id', 'created_at'], 'loyalty_movements_card_idx');
    });
    await db.schema.createTable('loyalty_entries', (t) => {
      t.increments('id').primary();
      t.string('movement_id', 40).notNullable().references('id').inTable('loyalty_movements');
      t.string('account_id', 40).notNullable().references('id').inTable('loyalty_accounts');
      t.bigInteger('points').notNullable(); // signed; a movement's entries sum to zero
      t.index(['account_id'], 'loyalty_entries_account_idx');
    });
    await db.schema.createTable('loyalty_payment_cards', (t) => {
      t.string('payment_id', 40).primary();
      t.string('card_id', 40).notNullable().references('id').inTable('loyalty_cards');
      t.string('merchant_id', 40).notNullable();
      t.boolean('livemode').notNullable();
    });
  },
  async down(db: Db): Promise<void> {
    for (const table of [
      'loyalty_payment_cards',
      'loyalty_entries',
      'loyalty_movements',
      'loyalty_cards',
      'loyalty_accounts',
      'loyalty_tiers',
      'loyalty_rules',
      'loyalty_programs',
    ])
      await db.schema.dropTableIfExists(table);
  },
};
