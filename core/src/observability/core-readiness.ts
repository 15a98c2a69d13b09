import { Database } from '../db/database';
import { pendingCoreMigrations } from '../db/migrator';
import { MigratingPlugin, pendingPluginMigrations } from '../db/plugin-migrator';
import { KeyRing } from '../vault/key-ring';
import { ReadinessCheck } from './readiness';

/** The names of core's checks (a plugin's check may not take one). */
export const CORE_READINESS_CHECKS: readonly string[] = ['database', 'migrations', 'key_ring'];

/**
 * Core's readiness checks: the database answers, every migration (core's and each
 * loaded plugin's) is applied, and the key ring can open the cards being stored
 * (the newest stored card's key version is in it: a process started with another
 * TENDER_MASTER_KEY, or with a freshly generated one against an existing database,
 * is not ready). The database errors themselves go to the log, not to the answer.
 *
 * @example
 * ```ts
 * for (const check of coreReadinessChecks(db, ring, plugins)) container.register(READINESS_CHECK, { useValue: check });
 * ```
 */
export function coreReadinessChecks(db: Database, ring: KeyRing, plugins: readonly MigratingPlugin[]): ReadinessCheck[] {
  return [
    {
      name: 'database',
      async check() {
        await db.raw('select 1');
        return { ready: true };
      },
    },
    {
      name: 'migrations',
      async check() {
        const pending = [...(await pendingCoreMigrations(db)).map((m) => `core: ${m}`), ...(await pendingPluginMigrations(db, plugins))];
        return pending.length === 0
          ? { ready: true }
          : { ready: false, reason: `not applied: ${pending.slice(0, 5).join(', ')}${pending.length > 5 ? ', ...' : ''}` };
      },
    },
    {
      name: 'key_ring',
      async check() {
        // The newest payment with a stored card: walks the primary key backwards, no scan.
        const payment: { card_token: string } | undefined = await db('payments').whereNotNull('card_token').orderBy('seq', 'desc').first('card_token');
        if (payment === undefined) return { ready: true };
        const card: { key_version: string } | undefined = await db('card_vault').where({ id: payment.card_token }).first('key_version');
        if (card === undefined || ring.find(card.key_version) !== undefined) return { ready: true };
        return {
          ready: false,
          reason: 'the newest stored card was sealed with a master key this process does not have (check TENDER_MASTER_KEY and TENDER_PREVIOUS_MASTER_KEYS)',
        };
      },
    },
  ];
}
