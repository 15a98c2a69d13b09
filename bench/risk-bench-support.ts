import mysql from 'mysql2/promise';
import { Gateway } from '@tender/core';

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
  const connect = () => mysql.createConnection({ host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username), password: decodeURIComponent(server.password) });
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
          batch.push({
            id: `rsk_bench${i}`,
            merchant_id: merchantId,
            livemode: false,
            payment_id: `pay_bench${i}`,
            card_fingerprint: fingerprintOf(i % 200_000),
            card_bin: '424242',
            ip: ipOf(i % 50_000),
            email: `buyer${i % 100_000}@example.com`,
            amount: 1000 + (i % 500) * 100,
            currency: 'RUB',
            score: 0,
            decision: 'allow',
            action: 'allow',
            dry_run_decision: 'allow',
            reasons: '[]',
            rule_set_versions: 'operator:0,merchant:0',
            outcome: i % 10 === 0 ? 'declined' : 'approved',
            created_at: created,
            updated_at: created,
          });
        }
        await trx('risk_assessments').insert(batch);
      }
    });
  }
}

/** A stand-in card fingerprint numbered `n` (the real ones are keyed hashes of the PAN). */
export function fingerprintOf(n: number): string {
  return n.toString(16).padStart(64, '0');
}
