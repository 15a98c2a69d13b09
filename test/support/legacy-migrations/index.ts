import { Knex } from 'knex';
import * as m001 from './001-core';
import * as m002 from './002-banks';
import * as m003 from './003-hosted-page';
import * as m004 from './004-notifications';
import * as m005 from './005-routing';
import * as m006 from './006-onboarding';
import * as m007 from './007-risk';
import * as m008 from './008-certificates';
import * as m009 from './009-assist';
import * as m010 from './010-saleor';
import * as m011 from './011-web-accounts';
import * as m012 from './012-dashboard';
import * as m013 from './013-risk-guards';
import * as m014 from './014-saleor-outside-refunds';
import * as m015a from './015-attempt-counters';
import * as m015b from './015-saleor-install-secrets';

type Migration = { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> };

/**
 * A frozen copy of core's migrations as they were before plugins owned their
 * tables (001 to 015, Assist, Saleor and ISO 8583 tables included): what an
 * installation of that time has. Never edited: the upgrade test builds its "old"
 * database with it.
 */
export const LEGACY_MIGRATIONS: ReadonlyArray<readonly [string, Migration]> = [
  ['001-core', m001],
  ['002-banks', m002],
  ['003-hosted-page', m003],
  ['004-notifications', m004],
  ['005-routing', m005],
  ['006-onboarding', m006],
  ['007-risk', m007],
  ['008-certificates', m008],
  ['009-assist', m009],
  ['010-saleor', m010],
  ['011-web-accounts', m011],
  ['012-dashboard', m012],
  ['013-risk-guards', m013],
  ['014-saleor-outside-refunds', m014],
  ['015-attempt-counters', m015a],
  ['015-saleor-install-secrets', m015b],
];

/** Migrates `db` the way the gateway did before plugin migrations existed. */
export async function migrateLegacy(db: Knex): Promise<void> {
  await db.migrate.latest({
    tableName: 'tender_migrations',
    migrationSource: {
      getMigrations: async () => [...LEGACY_MIGRATIONS],
      getMigrationName: (m: readonly [string, Migration]) => m[0],
      getMigration: async (m: readonly [string, Migration]) => m[1],
    },
  });
}
