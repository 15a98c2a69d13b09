import { Knex } from 'knex';

/**
 * Saleor installs proven, not first-come (issue 16).
 *
 * A declaration (`POST /v1/saleor/installations`) no longer claims a store URL: several
 * merchants may declare the same URL, and none of them learns about the others. Each
 * declaration carries a one-time install secret (`install_secret_hash`, SHA-256; the
 * secret is in the manifest URL shown once to the merchant), and `/saleor/register`
 * binds a token only with that secret and only once the store's API has accepted the
 * token. `registered_api_url` is set on the bound row alone and is unique, so one store
 * is bound to one declaration; `saleor_app_id` is what the store answered for the token.
 * Existing bound rows keep working; pending declarations from before have no secret and
 * must be declared again.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('saleor_installations', (t) => {
    t.string('install_secret_hash', 64).nullable();
    t.string('registered_api_url', 500).nullable();
    t.string('saleor_app_id', 200).nullable();
  });
  await knex('saleor_installations')
    .whereNotNull('registered_at')
    .update({ registered_api_url: knex.ref('saleor_api_url') });
  await knex.schema.alterTable('saleor_installations', (t) => {
    t.dropUnique(['saleor_api_url']);
    t.unique(['install_secret_hash']);
    t.unique(['registered_api_url']);
    t.unique(['merchant_id', 'livemode', 'saleor_api_url']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex('saleor_installations').whereNull('registered_at').delete();
  await knex.schema.alterTable('saleor_installations', (t) => {
    t.dropUnique(['merchant_id', 'livemode', 'saleor_api_url']);
    t.dropUnique(['registered_api_url']);
    t.dropUnique(['install_secret_hash']);
  });
  await knex.schema.alterTable('saleor_installations', (t) => {
    t.dropColumn('saleor_app_id');
    t.dropColumn('registered_api_url');
    t.dropColumn('install_secret_hash');
    t.unique(['saleor_api_url']);
  });
}
