import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { DatabaseConfig } from '@tender/core';

/**
 * A fresh, empty database for one spec file, on the dialect this run tests:
 * MySQL/MariaDB when TEST_DATABASE_URL (or DATABASE_URL) is a mysql:// URL, else a
 * temporary SQLite file. Each spec gets its own, so specs never see each other's rows.
 */
export interface TestDatabase {
  readonly config: DatabaseConfig;
  readonly dialect: 'sqlite' | 'mysql';
  /** The SQLite file, for tests that scan the bytes on disk. */
  readonly sqliteFile: string | undefined;
  drop(): Promise<void>;
}

export function testDatabaseUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  return url !== undefined && /^(mysql|mariadb):/.test(url) ? url.replace(/^mariadb:/, 'mysql:') : undefined;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = testDatabaseUrl();
  if (url === undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-test-'));
    const filename = path.join(dir, 'tender.sqlite');
    return {
      config: { client: 'sqlite', filename, embeddedDefault: false },
      dialect: 'sqlite',
      sqliteFile: filename,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const server = new URL(url);
  const base = server.pathname.replace(/^\//, '') || 'tender_test';
  const name = `${base}_${process.pid}_${randomBytes(4).toString('hex')}`.slice(0, 64);
  const admin = await mysql.createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    config: { client: 'mysql', url: dbUrl.toString() },
    dialect: 'mysql',
    sqliteFile: undefined,
    drop: async () => {
      const conn = await mysql.createConnection({
        host: server.hostname,
        port: Number(server.port || 3306),
        user: decodeURIComponent(server.username),
        password: decodeURIComponent(server.password),
      });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

/**
 * A MySQL/MariaDB test database, or a skipped suite (`why` is the reason, kept in the
 * caller as a comment would be) when the run is on SQLite; nothing is left behind.
 *
 * @example
 * ```ts
 * before(async function () {
 *   database = await createMysqlTestDatabase(this, 'SQLite runs one transaction at a time');
 * });
 * ```
 */
export async function createMysqlTestDatabase(suite: Mocha.Context, why: string): Promise<TestDatabase> {
  const database = await createTestDatabase();
  if (database.dialect !== 'mysql') {
    await database.drop();
    suite.skip(); // throws: mocha marks the suite pending
    throw new Error(`MySQL/MariaDB only: ${why}`);
  }
  return database;
}
