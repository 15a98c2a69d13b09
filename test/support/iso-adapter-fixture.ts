import { randomBytes } from 'node:crypto';
import { Database, KeyRing, createDatabase, migratePlugins, migrateToLatest } from '@tender/core';
import { Iso8583BankAdapter, Iso8583Options, plugin as isoPlugin } from '@tender/adapter-iso8583';
import { TestDatabase, createTestDatabase } from './test-database';
import { BankSimProcess } from './bank-sim-process';

export const ISO_TERMS = { bankMerchantId: 'MERCHANT0000001', terminalId: 'T0000001' } as const;
export const ISO_ACQUIRER_ID = '12345678901';

export interface IsoFixture {
  readonly sim: BankSimProcess;
  readonly adapter: Iso8583BankAdapter;
  readonly db: Database;
  close(): Promise<void>;
}

/** The ISO 8583 adapter on a migrated test database, linked over TCP to a simulator process. */
export async function startIsoFixture(options: Partial<Iso8583Options> = {}): Promise<IsoFixture> {
  const database: TestDatabase = await createTestDatabase();
  const db = createDatabase(database.config);
  await migrateToLatest(db);
  await migratePlugins(db, [isoPlugin]);
  // With a zone master key the simulator issues working keys and both sides MAC every financial message.
  const sim = await BankSimProcess.start(options.dialect, options.zoneMasterKey === undefined ? [] : ['--zmk', options.zoneMasterKey]);
  const adapter = new Iso8583BankAdapter({
    host: '127.0.0.1',
    port: sim.port,
    database: db,
    poolSize: 2,
    deadlineMs: 1_000,
    reversalDeadlineMs: 1_000,
    reversalRepeatMs: 60_000,
    reconnectInitialMs: 50,
    reconnectMaxMs: 500,
    // A real key ring seals the PAN in the journal, so reversals and refunds carry field 2.
    keyRing: new KeyRing(randomBytes(32).toString('base64')),
    acquirerId: ISO_ACQUIRER_ID,
    timeZone: 'Europe/Moscow',
    ...options,
  });
  await adapter.init();
  return {
    sim,
    adapter,
    db,
    async close() {
      await adapter.destroy();
      await sim.stop();
      await db.destroy();
      await database.drop();
    },
  };
}
