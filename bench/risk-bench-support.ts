import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { Gateway, InsertRow, loadConfig } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { backfillRiskBuckets } from '@tender/core/dist/monitoring/risk-bucket-backfill';

const DAY = 86_400_000;

/** A private-range IPv4 address numbered `n`: distinct buyers for the risk benchmarks' history. */
export function ipOf(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * Creates (after dropping any leftover) the database named in `url`, for the risk
 * benchmarks that run a gateway's services in-process; returns what drops it.
 *
 * @example
 * ```ts
 * const drop = await createMysqlDatabase('mysql://root@127.0.0.1:3306/tender_bench_risk');
 * try { ... } finally { await drop(); }
 * ```
 */
export async function createMysqlDatabase(url: string, fallbackName: string): Promise<() => Promise<void>> {
  const server = new URL(url);
  const name = server.pathname.replace(/^\//, '') || fallbackName;
  const connect = () =>
    mysql.createConnection({
      host: server.hostname,
      port: Number(server.port || 3306),
      user: decodeURIComponent(server.username),
      password: decodeURIComponent(server.password),
    });
  const admin = await connect();
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return async () => {
    const c = await connect();
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await c.end();
  };
}

/** A risk benchmark's gateway (sandbox bank, in this process) on a fresh database, and what removes both. */
export interface RiskBench {
  readonly gateway: Gateway;
  readonly database: 'sqlite' | 'mysql/mariadb';
  close(): Promise<void>;
}

/**
 * Starts the gateway a risk benchmark runs in-process: SQLite in a temporary
 * directory, or BENCH_DATABASE_URL's MySQL database (created, then dropped by
 * `close`), with the merchant `merchantId` inserted.
 *
 * @example
 * ```ts
 * const bench = await openRiskBench('growth', 'mer_bench');
 * try { ... } finally { await bench.close(); }
 * ```
 */
export async function openRiskBench(name: string, merchantId: string, env: Record<string, string> = {}): Promise<RiskBench> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tender-bench-${name}-`));
  const url = process.env.BENCH_DATABASE_URL;
  const dropMysql = url === undefined ? undefined : await createMysqlDatabase(url, `tender_bench_${name}`);
  const config = loadConfig({
    TENDER_DATA_DIR: dataDir,
    TENDER_MASTER_KEY: randomBytes(32).toString('base64'),
    TENDER_ADMIN_TOKEN: 'adm_bench_0123456789abcdefghij',
    TENDER_LOG_LEVEL: 'silent',
    TENDER_RECONCILE_INTERVAL_MS: '0',
    ...env,
    DATABASE_URL: url ?? `sqlite:${path.join(dataDir, 'bench.sqlite')}`,
  });
  const gateway = await Gateway.create(config, { plugins: [sandboxPlugin] });
  await gateway
    .db('merchants')
    .insert({ id: merchantId, name: 'Bench', email: 'bench@example.com', stage: 'test', created_at: Date.now(), updated_at: Date.now() });
  return {
    gateway,
    database: url === undefined ? 'sqlite' : 'mysql/mariadb',
    async close() {
      await gateway.close();
      if (dropMysql !== undefined) await dropMysql();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What one history row of the benchmarks varies; the rest is an allowed, unscored attempt in RUB. */
export interface BenchAttempt {
  readonly n: number;
  readonly merchantId: string;
  readonly card: string;
  readonly ip: string;
  readonly email: string;
  readonly amount: number;
  readonly outcome: 'approved' | 'declined' | 'pending';
  readonly at: number;
}

/** A `risk_assessments` row as the engine writes it, for filling a history without confirming. */
export function assessmentRow(a: BenchAttempt): InsertRow<'risk_assessments'> {
  return {
    id: `rsk_bench${a.n}`,
    merchant_id: a.merchantId,
    livemode: false,
    payment_id: `pay_bench${a.n}`,
    card_fingerprint: a.card,
    card_bin: '424242',
    ip: a.ip,
    email: a.email,
    amount: a.amount,
    currency: 'RUB',
    score: 0,
    decision: 'allow',
    action: 'allow',
    dry_run_decision: 'allow',
    reasons: '[]',
    rule_set_versions: 'operator:0,merchant:0',
    outcome: a.outcome,
    created_at: a.at,
    updated_at: a.at,
  };
}

/** Rebuilds the per-key buckets from the filled rows, as migration 042 does on upgrade. */
export async function rebuildRiskBuckets(gateway: Gateway): Promise<void> {
  await gateway.db('risk_key_buckets').del();
  await backfillRiskBuckets(gateway.db, Date.now());
}

/** Attempts of one merchant over the last 30 days: 200k cards, 50k IPs, 100k e-mails, a tenth of them declined. */
export async function populateRiskHistory(gateway: Gateway, merchantId: string, rows: number): Promise<void> {
  const now = Date.now();
  const chunk = 500;
  for (let start = 0; start < rows; start += chunk * 20) {
    await gateway.db.transaction(async (trx) => {
      for (let offset = start; offset < Math.min(rows, start + chunk * 20); offset += chunk) {
        const batch = [];
        for (let i = offset; i < Math.min(rows, offset + chunk); i++) {
          const created = now - Math.floor(((rows - i) / rows) * 30 * DAY);
          batch.push(
            assessmentRow({
              n: i,
              merchantId,
              card: fingerprintOf(i % 200_000),
              ip: ipOf(i % 50_000),
              email: `buyer${i % 100_000}@example.com`,
              amount: 1000 + (i % 500) * 100,
              outcome: i % 10 === 0 ? 'declined' : 'approved',
              at: created,
            }),
          );
        }
        await trx('risk_assessments').insert(batch);
      }
    });
  }
  await rebuildRiskBuckets(gateway);
}

/** A stand-in card fingerprint numbered `n` (the real ones are keyed hashes of the PAN). */
export function fingerprintOf(n: number): string {
  return n.toString(16).padStart(64, '0');
}
