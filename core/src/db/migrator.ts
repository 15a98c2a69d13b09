import { Knex } from 'knex';
import * as core001 from './migrations/001-core';
import * as banks002 from './migrations/002-banks';
import * as hostedPage003 from './migrations/003-hosted-page';
import * as notifications004 from './migrations/004-notifications';
import * as routing005 from './migrations/005-routing';
import * as onboarding006 from './migrations/006-onboarding';
import * as risk007 from './migrations/007-risk';
import * as webAccounts011 from './migrations/011-web-accounts';
import * as dashboard012 from './migrations/012-dashboard';
import * as riskGuards013 from './migrations/013-risk-guards';
import * as attemptCounters015 from './migrations/015-attempt-counters';
import * as pluginMigrations016 from './migrations/016-plugin-migrations';
import * as webhookLeases030 from './migrations/030-webhook-leases';
import * as bankAlerts020 from './migrations/020-bank-alerts';
import * as accountsPluginTables031 from './migrations/031-accounts-plugin-tables';
import * as paymentMethodType034 from './migrations/034-payment-method-type';
import * as onboardingStages032 from './migrations/032-onboarding-stages';
import * as onboardingDocuments033 from './migrations/033-onboarding-documents';
import * as sentNotices035 from './migrations/035-sent-notices';
import * as cardOnFile036 from './migrations/036-card-on-file';
import * as amountAdjustments037 from './migrations/037-amount-adjustments';
import * as nextAction039 from './migrations/039-next-action';
import * as cardTokens040 from './migrations/040-card-tokens';
import * as sharedState041 from './migrations/041-shared-state';
import * as riskBuckets042 from './migrations/042-risk-buckets';
import * as leanPath043 from './migrations/043-lean-path';
import * as latePaymentReturns045 from './migrations/045-late-payment-returns';
import * as riskPruning049 from './migrations/049-risk-pruning';
import * as deliveredAttempt050 from './migrations/050-delivered-attempt';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Core's migrations: core tables only (plugins bring their own, plugin-migrator.ts).
 * They are imported modules, not files found by globbing, so the compiled gateway
 * migrates the same way from any working directory. New migrations are appended
 * here in order. 009, 010, 014 and 015-saleor-install-secrets left this list for the
 * Assist and Saleor plugins; 016 moves their records on databases that ran them.
 * 008-certificates left it for the accounts plugin; 031 moves its record.
 */
const MIGRATIONS: ReadonlyArray<readonly [string, Migration]> = [
  ['001-core', core001],
  ['002-banks', banks002],
  ['003-hosted-page', hostedPage003],
  ['004-notifications', notifications004],
  ['005-routing', routing005],
  ['006-onboarding', onboarding006],
  ['007-risk', risk007],
  ['011-web-accounts', webAccounts011],
  ['012-dashboard', dashboard012],
  ['013-risk-guards', riskGuards013],
  ['015-attempt-counters', attemptCounters015],
  ['016-plugin-migrations', pluginMigrations016],
  ['020-bank-alerts', bankAlerts020],
  ['030-webhook-leases', webhookLeases030],
  ['031-accounts-plugin-tables', accountsPluginTables031],
  ['034-payment-method-type', paymentMethodType034],
  ['032-onboarding-stages', onboardingStages032],
  ['033-onboarding-documents', onboardingDocuments033],
  ['035-sent-notices', sentNotices035],
  ['036-card-on-file', cardOnFile036],
  ['037-amount-adjustments', amountAdjustments037],
  ['039-next-action', nextAction039],
  ['040-card-tokens', cardTokens040],
  ['041-shared-state', sharedState041],
  ['042-risk-buckets', riskBuckets042],
  ['043-lean-path', leanPath043],
  ['045-late-payment-returns', latePaymentReturns045],
  ['049-risk-pruning', riskPruning049],
  ['050-delivered-attempt', deliveredAttempt050],
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

/**
 * Brings core's schema up to date; safe to run from several processes at once (knex
 * takes a lock). The list check is off because a database made before 016 still
 * names the moved migrations until 016 itself has run; 016 removes those names.
 */
export async function migrateToLatest(db: Knex): Promise<void> {
  await db.migrate.latest({ migrationSource: new ListedMigrationSource(), tableName: 'tender_migrations', disableMigrationsListValidation: true });
}

/** Core migrations this database has not recorded, in order (none once `migrateToLatest` has run). */
export async function pendingCoreMigrations(db: Knex): Promise<string[]> {
  const done = new Set((await db('tender_migrations').select('name')).map((r: { name: string }) => r.name));
  return MIGRATIONS.map(([name]) => name).filter((name) => !done.has(name));
}
