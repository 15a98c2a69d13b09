import { Knex } from 'knex';

/**
 * Banks the operator offers and the connections merchants have to them.
 *
 * A bank is a configured template backed by a BankAdapter (its `adapter_code`),
 * with the contract documents and steps it requires. A bank connection exists once
 * a merchant's contract with that bank is signed: it carries the bank's merchant id
 * and terminal id and the currencies it may serve. Routing picks among a merchant's
 * active connections; test mode never uses them (it goes to the sandbox).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('banks', (t) => {
    t.string('code', 40).primary();
    t.string('name', 200).notNullable();
    t.string('adapter_code', 40).notNullable();
    // JSON arrays: ISO 4217 codes, and [{ code, title, description }] requirements.
    t.text('currencies').notNullable();
    t.text('requirements').notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('bank_connections', (t) => {
    t.string('id', 40).primary();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('bank_code', 40).notNullable();
    t.string('adapter_code', 40).notNullable();
    t.string('bank_merchant_id', 40).notNullable();
    t.string('terminal_id', 16).notNullable();
    t.text('currencies').notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['merchant_id', 'livemode', 'status']);
    t.unique(['bank_code', 'terminal_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('bank_connections');
  await knex.schema.dropTableIfExists('banks');
}
