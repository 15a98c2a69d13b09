import { Knex } from 'knex';

/**
 * The dashboard's and the console's accounts (issue 12).
 *
 * `web_accounts`: one row per person who signs in: a merchant's user (realm
 * `merchant`, merchant_id and a role owner|developer|support) or an operator (realm
 * `operator`). The password is an scrypt hash (web/accounts/password-hasher.ts); the
 * TOTP secret is sealed under a key derived from the master key. An e-mail is unique
 * within its realm, so the sign-in form needs no merchant.
 * `web_sessions`: server-side sessions; the primary key is the SHA-256 of the random
 * session id the cookie holds, so a read of the table does not yield usable cookies.
 * `web_signin_throttle`: failure counters per e-mail and per client address, in the
 * database so every gateway process enforces the same lockout.
 * `web_password_links`: one-time set-password links (invitations and resets), stored
 * as hashes.
 * The payments index on created_at bounds the dashboard home's date-range queries.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('web_accounts', (t) => {
    t.string('id', 40).primary();
    t.string('realm', 16).notNullable();
    t.string('merchant_id', 40).nullable();
    t.string('email', 320).notNullable();
    t.string('role', 16).notNullable();
    t.string('password_hash', 300).nullable();
    t.string('totp_key_version', 16).nullable();
    t.string('totp_secret_box', 200).nullable();
    t.boolean('totp_enabled').notNullable().defaultTo(false);
    t.bigInteger('totp_last_step').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['realm', 'email']);
    t.index(['merchant_id']);
  });
  await knex.schema.createTable('web_sessions', (t) => {
    t.string('id_hash', 64).primary();
    t.string('account_id', 40).notNullable();
    t.string('realm', 16).notNullable();
    t.string('csrf_token', 64).notNullable();
    t.string('mode', 8).notNullable();
    /** 'password' while a TOTP code is still due; 'full' once signed in. */
    t.string('stage', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_seen_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['account_id']);
    t.index(['expires_at']);
  });
  await knex.schema.createTable('web_signin_throttle', (t) => {
    t.string('throttle_key', 400).primary();
    t.integer('failures').notNullable();
    t.bigInteger('window_started_at').notNullable();
    t.bigInteger('locked_until').nullable();
  });
  await knex.schema.createTable('web_password_links', (t) => {
    t.string('token_hash', 64).primary();
    t.string('account_id', 40).notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['account_id']);
  });
  await knex.schema.alterTable('payments', (t) => {
    t.index(['merchant_id', 'livemode', 'created_at'], 'payments_web_home_created_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.dropIndex(['merchant_id', 'livemode', 'created_at'], 'payments_web_home_created_idx');
  });
  await knex.schema.dropTableIfExists('web_password_links');
  await knex.schema.dropTableIfExists('web_signin_throttle');
  await knex.schema.dropTableIfExists('web_sessions');
  await knex.schema.dropTableIfExists('web_accounts');
}
