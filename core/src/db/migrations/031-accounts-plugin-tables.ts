import { Knex } from 'knex';

/** The accounts plugin's migration that creates what core's 008-certificates created. */
export const ACCOUNTS_LEGACY = {
  core: '008-certificates',
  plugin: '@tender/plugin-accounts',
  name: '001-accounts-tables',
  table: 'payer_certificates',
} as const;

/**
 * Personal-account payments left core for @tender/plugin-accounts (docs/plugins.md,
 * "Migrations"). Up to this version core's migration 008-certificates created the
 * plugin's seven tables (certificate_authorities, payers, payer_accounts,
 * payer_certificates, signed_request_nonces, account_payments,
 * merchant_account_payments) and nothing else, so 008 left core's list; the plugin's
 * migration 001-accounts-tables creates them on new databases.
 *
 * On a database where 008 ran, the tables and their rows stay as they are: this
 * migration records the plugin's migration as already applied (adopted_from
 * '008-certificates') and removes 008's name from core's list, as 016 did for the
 * Assist, Saleor and ISO 8583 tables. It does so whether or not the gateway loads the
 * plugin: a gateway that adds the plugin later finds its tables adopted.
 */
export async function up(knex: Knex): Promise<void> {
  const ran = (await knex('tender_migrations').where({ name: ACCOUNTS_LEGACY.core }).first()) !== undefined;
  if (!ran) return;
  if (await knex.schema.hasTable(ACCOUNTS_LEGACY.table)) {
    const recorded = await knex('tender_plugin_migrations').where({ plugin: ACCOUNTS_LEGACY.plugin, name: ACCOUNTS_LEGACY.name }).first();
    if (recorded === undefined) {
      await knex('tender_plugin_migrations').insert({
        plugin: ACCOUNTS_LEGACY.plugin,
        name: ACCOUNTS_LEGACY.name,
        ran_at: Date.now(),
        adopted_from: ACCOUNTS_LEGACY.core,
      });
    }
  }
  await knex('tender_migrations').where({ name: ACCOUNTS_LEGACY.core }).delete();
}

/** Nothing to undo in the schema: the tables are the plugin's (its migration's `down` drops them). */
export async function down(): Promise<void> {}
