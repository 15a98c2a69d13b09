import { Knex } from 'knex';

/**
 * Notifications: webhook endpoints, one delivery row per endpoint and event (with its
 * attempts), the e-mail outbox, and the buyer's e-mail on payments.
 * Queues carry `locked_until`, a lease: a worker that dies between sending and
 * recording loses its claim when the lease runs out, so the row is sent once more
 * rather than never.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.string('customer_email', 320);
  });

  await knex.schema.createTable('webhook_endpoints', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.text('url').notNullable();
    t.text('events').notNullable();
    t.string('description', 500);
    t.string('status', 16).notNullable();
    // The signing secret must be recoverable (it signs), so it is encrypted, not hashed.
    t.string('secret_key_version', 16).notNullable();
    t.string('secret_box', 200).notNullable();
    t.string('previous_secret_box', 200);
    t.bigInteger('previous_secret_expires_at');
    t.bigInteger('failure_notified_at');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['merchant_id', 'livemode', 'seq']);
  });

  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('endpoint_id', 40).notNullable();
    t.string('event_id', 40).notNullable();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('status', 16).notNullable();
    t.integer('attempt_count').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.bigInteger('locked_until');
    t.bigInteger('first_attempt_at');
    t.bigInteger('delivered_at');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['status', 'next_attempt_at']);
    t.index(['endpoint_id', 'status', 'seq']);
    t.index(['merchant_id', 'livemode', 'endpoint_id', 'seq']);
    t.index(['event_id']);
  });

  await knex.schema.createTable('webhook_attempts', (t) => {
    t.bigIncrements('seq').primary();
    t.string('delivery_id', 40).notNullable();
    t.integer('attempt').notNullable();
    t.bigInteger('started_at').notNullable();
    t.integer('status_code');
    t.integer('latency_ms').notNullable();
    t.string('response_excerpt', 600);
    t.string('error', 300);
    t.index(['delivery_id', 'seq']);
  });

  await knex.schema.createTable('email_outbox', (t) => {
    t.bigIncrements('seq').primary();
    t.string('id', 40).notNullable().unique();
    t.string('merchant_id', 40).notNullable();
    t.boolean('livemode').notNullable();
    t.string('template', 64).notNullable();
    t.string('locale', 8).notNullable();
    t.string('recipient', 320).notNullable();
    t.text('data', 'mediumtext').notNullable();
    t.string('status', 16).notNullable();
    t.integer('attempt_count').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.bigInteger('locked_until');
    t.string('last_error', 300);
    t.bigInteger('sent_at');
    t.bigInteger('created_at').notNullable();
    t.index(['status', 'next_attempt_at']);
    t.index(['merchant_id', 'livemode', 'seq']);
  });

  await knex.schema.alterTable('events', (t) => {
    t.index(['merchant_id', 'livemode', 'type', 'seq']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('events', (t) => {
    t.dropIndex(['merchant_id', 'livemode', 'type', 'seq']);
  });
  for (const table of ['email_outbox', 'webhook_attempts', 'webhook_deliveries', 'webhook_endpoints']) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('customer_email');
  });
}
