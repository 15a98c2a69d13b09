import { createHash, randomBytes } from 'node:crypto';
import type { Express, Request } from 'express';
import mysql from 'mysql2/promise';

/**
 * What every floor server shares (the same-statement floor, floor-server.ts, and the
 * replayed statement lists, statement-replay-server.ts): a mysql2 pool of the
 * gateway's default size, one transaction helper, the API key's hash, listening on
 * loopback and stopping on SIGTERM. No logic of the gateway's belongs here.
 *
 * @example
 * ```ts
 * const pool = floorPool();
 * const row = await inTransaction(pool, (c) => first(c, 'SELECT 1 AS one', []));
 * serveFloor(app, pool, 'floor');  // prints "floor listening on http://127.0.0.1:<port>"
 * ```
 */
export type Conn = mysql.PoolConnection;
export type Row = Record<string, unknown>;

export function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

/** A pool of 10 connections, the gateway's default `TENDER_DB_POOL_MAX`, on `DATABASE_URL`. */
export function floorPool(): mysql.Pool {
  return mysql.createPool({ uri: required('DATABASE_URL'), connectionLimit: 10, supportBigNumbers: true, bigNumberStrings: false, charset: 'utf8mb4' });
}

export const newId = (prefix: string): string => `${prefix}_${randomBytes(18).toString('base64url')}`;

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The bearer key's hash, as api_keys.key_hash stores it. */
export const keyHashOf = (req: Request): string => sha256((req.headers.authorization ?? '').replace(/^Bearer\s+/i, ''));

export async function inTransaction<T>(pool: mysql.Pool, work: (c: Conn) => Promise<T>): Promise<T> {
  const c = await pool.getConnection();
  try {
    await c.query('BEGIN');
    const result = await work(c);
    await c.query('COMMIT');
    return result;
  } catch (error) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    c.release();
  }
}

export async function first(c: Conn | mysql.Pool, sql: string, params: unknown[]): Promise<Row | undefined> {
  const [rows] = await c.query(sql, params);
  return (rows as Row[])[0];
}

/** Listens on 127.0.0.1:$PORT (0 = any), announces the port the harness waits for, closes cleanly on SIGTERM. */
export function serveFloor(app: Express, pool: mysql.Pool, label: string): void {
  const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${label} listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}\n`);
  });
  process.on('SIGTERM', () => {
    server.close(() => {
      pool.end().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
    server.closeIdleConnections();
  });
}
