import { Knex } from 'knex';

/**
 * Payments whose buyer completes elsewhere (a QR code scanned in a bank's app, a
 * wallet's own page): while such a payment is `requires_action`, `next_action` holds
 * what the buyer must do (JSON, PaymentNextAction) and `next_action_expires_at` when
 * the offer lapses (ms since the epoch). The index serves the job that settles or
 * expires them (AwaitedPaymentSettler).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.text('next_action').nullable();
    t.bigInteger('next_action_expires_at').nullable();
    t.index(['status', 'next_action_expires_at'], 'payments_next_action_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.dropIndex(['status', 'next_action_expires_at'], 'payments_next_action_idx');
    t.dropColumn('next_action_expires_at');
    t.dropColumn('next_action');
  });
}
