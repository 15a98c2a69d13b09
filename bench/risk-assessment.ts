/**
 * Assessment cost per payment with a large history (issue 8).
 *
 *   npm run bench:risk                                   # SQLite in a temporary directory
 *   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306/tender_bench_risk npm run bench:risk
 *   BENCH_HISTORY=200000 BENCH_ASSESSMENTS=1000 npm run bench:risk
 *
 * Fills `risk_assessments` (the table every history query reads) with BENCH_HISTORY
 * attempts of one merchant spread over 30 days, then times RiskEngine.assess with the
 * default rules and counts the SQL statements each assessment sends. The MySQL
 * database is created and dropped by the script.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Gateway, loadConfig } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { RiskEngine } from '@tender/core/dist/monitoring/risk-engine';
import { PaymentService } from '@tender/core/dist/payments/payment.service';
import { createMysqlDatabase, ipOf } from './risk-bench-support';

const HISTORY = Number(process.env.BENCH_HISTORY ?? 1_000_000);
const ASSESSMENTS = Number(process.env.BENCH_ASSESSMENTS ?? 2000);
const DAY = 86_400_000;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-bench-risk-'));
  const url = process.env.BENCH_DATABASE_URL;
  const dropMysql = url === undefined ? undefined : await createMysqlDatabase(url, 'tender_bench_risk');
  const config = loadConfig({
    TENDER_DATA_DIR: dataDir,
    TENDER_MASTER_KEY: randomBytes(32).toString('base64'),
    TENDER_ADMIN_TOKEN: 'adm_bench_0123456789abcdefghij',
    TENDER_LOG_LEVEL: 'silent',
    TENDER_RECONCILE_INTERVAL_MS: '0',
    DATABASE_URL: url ?? `sqlite:${path.join(dataDir, 'bench.sqlite')}`,
  });
  const gateway = await Gateway.create(config, { plugins: [sandboxPlugin] });
  try {
    const ctx = { merchantId: 'mer_bench', livemode: false };
    await gateway.db('merchants').insert({ id: ctx.merchantId, name: 'Bench', email: 'bench@example.com', stage: 'test', created_at: Date.now(), updated_at: Date.now() });
    const started = performance.now();
    await populate(gateway, ctx.merchantId, HISTORY);
    const populateSeconds = (performance.now() - started) / 1000;

    const payment = await gateway.container.resolve(PaymentService).create(ctx, { amount: 150000, currency: 'RUB', order_id: 'bench', capture_method: 'automatic' });
    const engine = gateway.container.resolve(RiskEngine);
    let statements = 0;
    gateway.db.on('query', () => statements++);
    const timings: number[] = [];
    for (let i = 0; i < ASSESSMENTS; i++) {
      // Half the attempts use hot keys (cards, IPs and e-mails with long histories), half cold ones.
      const hot = i % 2 === 0;
      const n = hot ? i % 50 : 1_000_000 + i;
      const card = { fingerprint: fingerprintOf(n), brand: 'visa', bin: '424242', last4: '4242', expMonth: 12, expYear: 2030 };
      const t0 = performance.now();
      await engine.assess(ctx, payment, card, { ip: ipOf(n), email: `buyer${n}@example.com` });
      timings.push(performance.now() - t0);
    }
    timings.sort((a, b) => a - b);
    const pct = (p: number): string => (timings[Math.min(timings.length - 1, Math.floor(timings.length * p))] ?? 0).toFixed(2);
    const mean = timings.reduce((s, x) => s + x, 0) / timings.length;
    const result = {
      database: url === undefined ? 'sqlite' : 'mysql/mariadb',
      history_rows: HISTORY,
      populate_seconds: Number(populateSeconds.toFixed(1)),
      assessments: ASSESSMENTS,
      statements_per_assessment: statements / ASSESSMENTS,
      ms_mean: Number(mean.toFixed(2)),
      ms_p50: Number(pct(0.5)),
      ms_p95: Number(pct(0.95)),
      ms_p99: Number(pct(0.99)),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await gateway.close();
    if (dropMysql !== undefined) await dropMysql();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Attempts of one merchant over the last 30 days: 200k cards, 50k IPs, 100k e-mails, a tenth of them declined. */
async function populate(gateway: Gateway, merchantId: string, rows: number): Promise<void> {
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

function fingerprintOf(n: number): string {
  return n.toString(16).padStart(64, '0');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
