import { Knex } from 'knex';
import * as core001 from './migrations/001-core';
import * as banks002 from './migrations/002-banks';
import * as hostedPage003 from './migrations/003-hosted-page';
import * as notifications004 from './migrations/004-notifications';
import * as routing005 from './migrations/005-routing';
import * as onboarding006 from './migrations/006-onboarding';
import * as risk007 from './migrations/007-risk';
import * as certificates008 from './migrations/008-certificates';
import * as assist009 from './migrations/009-assist';
import * as saleor010 from './migrations/010-saleor';
import * as webAccounts011 from './migrations/011-web-accounts';
import * as dashboard012 from './migrations/012-dashboard';
import * as riskGuards013 from './migrations/013-risk-guards';
import * as saleorOutsideRefunds014 from './migrations/014-saleor-outside-refunds';
import * as attemptCounters015 from './migrations/015-attempt-counters';
import * as saleorInstallSecrets015 from './migrations/015-saleor-install-secrets';
import * as bankAlerts020 from './migrations/020-bank-alerts';
import * as iso8583Centres021 from './migrations/021-iso8583-centres';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Migrations are imported modules, not files found by globbing, so the compiled
 * gateway migrates the same way from any working directory. New migrations are
 * appended here in order.
 */
const MIGRATIONS: ReadonlyArray<readonly [string, Migration]> = [
  ['001-core', core001],
  ['002-banks', banks002],
  ['003-hosted-page', hostedPage003],
  ['004-notifications', notifications004],
  ['005-routing', routing005],
  ['006-onboarding', onboarding006],
  ['007-risk', risk007],
  ['008-certificates', certificates008],
  ['009-assist', assist009],
  ['010-saleor', saleor010],
  ['011-web-accounts', webAccounts011],
  ['012-dashboard', dashboard012],
  ['013-risk-guards', riskGuards013],
  ['014-saleor-outside-refunds', saleorOutsideRefunds014],
  ['015-attempt-counters', attemptCounters015],
  ['015-saleor-install-secrets', saleorInstallSecrets015],
  ['020-bank-alerts', bankAlerts020],
  ['021-iso8583-centres', iso8583Centres021],
];

class ListedMigrationSource implements Knex.MigrationSource<readonly [string, Migration]> {
  async getMigrations(): Promise<Array<readonly [string, Migration]>> {
    return [...MIGRATIONS];
  }
  getMigrationName(migration: readonly [string, Migration]): string {
    return migration[0];
  }
  async getMigration(migration: readonly [string, Migration]): Promise<Migration> {
    return migration[1];
  }
}

/** Brings the schema up to date; safe to run from several processes at once (knex takes a lock). */
export async function migrateToLatest(db: Knex): Promise<void> {
  await db.migrate.latest({ migrationSource: new ListedMigrationSource(), tableName: 'tender_migrations' });
}
