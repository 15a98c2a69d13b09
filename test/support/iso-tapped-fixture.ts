import { randomBytes } from 'node:crypto';
import { Database, KeyRing, createDatabase, migratePlugins, migrateToLatest } from '@tender/core';
import { Iso8583BankAdapter, Iso8583Options, plugin as isoPlugin } from '@tender/adapter-iso8583';
import { createTestDatabase } from './test-database';
import { BankSimProcess } from './bank-sim-process';
import { WireTap } from './iso8583-wire-tap';
import { ISO_ACQUIRER_ID } from './iso-adapter-fixture';

export interface TappedIsoFixture {
  readonly db: Database;
  readonly sim: BankSimProcess;
  /** Every frame between the adapter and the simulator, decoded by the reference decoder. */
  readonly tap: WireTap;
  readonly adapter: Iso8583BankAdapter;
  close(): Promise<void>;
}

/**
 * The ISO 8583 adapter (one connection, ASCII dialect, PAN sealed in the journal,
 * Moscow local times) on a migrated test database, linked to tender-bank-sim in its
 * own process through a WireTap on loopback, so a test reads exactly what went over the wire.
 */
export async function startTappedIsoFixture(options: Partial<Iso8583Options> = {}): Promise<TappedIsoFixture> {
  const database = await createTestDatabase();
  const db = createDatabase(database.config);
  await migrateToLatest(db);
  await migratePlugins(db, [isoPlugin]);
  const sim = await BankSimProcess.start();
  const { tap, port } = await WireTap.start(sim.port);
  const adapter = new Iso8583BankAdapter({
    host: '127.0.0.1',
    port,
    database: db,
    poolSize: 1,
    deadlineMs: 600,
    reversalDeadlineMs: 1_000,
    reversalRepeatMs: 600_000,
    keyRing: new KeyRing(randomBytes(32).toString('base64')),
    acquirerId: ISO_ACQUIRER_ID,
    timeZone: 'Europe/Moscow',
    ...options,
  });
  await adapter.init();
  return {
    db,
    sim,
    tap,
    adapter,
    async close() {
      await adapter.destroy();
      await tap.close();
      await sim.stop();
      await db.destroy();
      await database.drop();
    },
  };
}
