import { Knex } from 'knex';

/**
 * `late_payment_returns`: money a buyer paid elsewhere (SBP, e-wallet) after the
 * payment had expired or closed, owed back to them, one row per bank operation. The
 * row exists before the first return is asked for, so a failed return is not lost:
 * AwaitedPaymentSettler retries it (`next_attempt_at`, with backoff, at most a fixed
 * number of `attempts`, always with the same reference, so the bank makes it once)
 * until it is `returned`, or `failed` with an operator alert to return it by hand.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('late_payment_returns', (t) => {
    t.string('operation_id', 64).primary();
    t.string('payment_id', 40).notNullable();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('status', 20).notNullable();
    t.string('authorization_code', 40).nullable();
    t.string('rrn', 40).nullable();
    t.string('bank_reference', 100).nullable();
    t.integer('attempts').notNullable();
    t.bigInteger('next_attempt_at').notNullable();
    t.string('last_error', 200).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['status', 'next_attempt_at'], 'late_payment_returns_due_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('late_payment_returns');
}
