import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

const run = promisify(execFile);

/** The repository root, from bench/dist/. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const GATEWAY_MAIN = path.join(REPO_ROOT, 'core', 'dist', 'main.js');

/**
 * One fresh MariaDB database for one benchmark run: created empty, dropped at the
 * end, so runs never see each other's rows (or another engineer's tests').
 */
export class BenchDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly serverUrl: string,
  ) {}

  static async create(serverUrl: string, label: string): Promise<BenchDatabase> {
    const name = `tender_bench_${label.replace(/[^a-z0-9]/gi, '_')}_${process.pid}_${randomBytes(3).toString('hex')}`.slice(0, 64);
    await withConnection(serverUrl, (c) => c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`));
    return new BenchDatabase(name, `${serverUrl}/${name}`, serverUrl);
  }

  /**
   * The process id of the MariaDB server this database lives on, when it runs on this
   * machine (its `pid_file` is readable and names a live process); undefined otherwise.
   */
  async serverPid(): Promise<number | undefined> {
    try {
      const [row] = await this.query<Array<{ file: string | null }>>('SELECT @@pid_file AS file');
      if (row?.file === null || row?.file === undefined) return undefined;
      const pid = Number(fs.readFileSync(row.file, 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 && fs.existsSync(`/proc/${pid}/stat`) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Creates the gateway's schema with its own migrations (`tender migrate`): the floor uses the same tables. */
  async migrate(): Promise<void> {
    await run(process.execPath, [GATEWAY_MAIN, 'migrate'], { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: this.url } });
  }

  query<T = Record<string, unknown>[]>(sql: string, params: unknown[] = []): Promise<T> {
    return withConnection(this.url, async (c) => (await c.query(sql, params))[0] as T);
  }

  /** A merchant and its secret key written directly: the floor has no operator API. */
  async insertMerchant(): Promise<{ merchantId: string; secretKey: string }> {
    const merchantId = `mer_floor${randomBytes(8).toString('hex')}`;
    const secretKey = `sk_test_${randomBytes(16).toString('hex')}`;
    const now = Date.now();
    await withConnection(this.url, async (c) => {
      await c.query('INSERT INTO merchants (id, name, email, stage, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
        merchantId,
        'Floor',
        'floor@example.com',
        'test',
        now,
        now,
      ]);
      await c.query('INSERT INTO api_keys (id, merchant_id, livemode, kind, key_hash, display, label, created_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?)', [
        `key_floor${randomBytes(8).toString('hex')}`,
        merchantId,
        'secret',
        createHash('sha256').update(secretKey).digest('hex'),
        'sk_test_...floor',
        'floor',
        now,
      ]);
    });
    return { merchantId, secretKey };
  }

  /** How this run's payments ended up: status -> count, for order ids starting with `orderPrefix`. */
  async statusCounts(orderPrefix: string): Promise<Record<string, number>> {
    const rows = await this.query<{ status: string; n: number }[]>('SELECT status, COUNT(*) AS n FROM payments WHERE order_id LIKE ? GROUP BY status', [
      `${orderPrefix}%`,
    ]);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** Data + index size of this database, in MiB (after ANALYZE: InnoDB's statistics lag behind a bulk load). */
  async sizeMiB(): Promise<number> {
    await this.query('ANALYZE TABLE payments, card_vault, bank_operations, events');
    const rows = await this.query<{ bytes: number | string | null }[]>(
      'SELECT SUM(data_length + index_length) AS bytes FROM information_schema.tables WHERE table_schema = ?',
      [this.name],
    );
    return Math.round(Number(rows[0]?.bytes ?? 0) / 1024 / 1024);
  }

  /**
   * Waits (at most `maxMs`) until InnoDB has written back most dirty pages, so a
   * run right after a bulk load measures the gateway, not the load's flushing.
   * Returns the seconds waited.
   */
  async settle(maxMs: number): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < maxMs) {
      const rows = await this.query<{ Variable_name: string; Value: string }[]>(
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_buffer_pool_pages_dirty', 'Innodb_buffer_pool_pages_total')",
      );
      const value = (name: string): number => Number(rows.find((r) => r.Variable_name === name)?.Value ?? 0);
      if (value('Innodb_buffer_pool_pages_dirty') <= 0.05 * value('Innodb_buffer_pool_pages_total')) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    return (Date.now() - started) / 1000;
  }

  async drop(): Promise<void> {
    await withConnection(this.serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS \`${this.name}\``));
  }
}

export async function withConnection<T>(url: string, work: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({ uri: url, supportBigNumbers: true, bigNumberStrings: false });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}
