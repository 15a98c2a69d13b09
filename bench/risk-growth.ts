/**
 * Constant cost as a key's history grows (issue 24 item 4).
 *
 *   npm run build && node bench/dist/risk-growth.js                  # SQLite in a temporary directory
 *   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306/tender_bench_growth node bench/dist/risk-growth.js
 *   BENCH_KEY_HISTORY=50000 BENCH_CHECKS=400 ...
 *
 * One merchant; a "hot" buyer (one card, one IP, one e-mail: a server-side
 * integration) with BENCH_KEY_HISTORY assessments spread over the last hour (nearly
 * all approved: the declines, pending and small attempts some rules look for never turn up),
 * and a "cold" buyer with none. Times the default rules' check for each, two ways:
 *
 * - buckets: `RiskEngine.assess` as the confirm runs it (one read of the keys'
 *   one-minute buckets, plus the usual-ticket sample);
 * - rows: the same rules over SqlRiskHistory, the per-rule queries on
 *   `risk_assessments` that walked every attempt of the key in the window.
 *
 * The buckets are built from the filled rows by the migration's backfill.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Gateway } from '@tender/core';
import { RiskEngine } from '@tender/core/dist/monitoring/risk-engine';
import { RiskRuleRegistry } from '@tender/core/dist/monitoring/risk-rule.registry';
import { effectiveSettings } from '@tender/core/dist/monitoring/risk-settings';
import { SqlRiskHistory } from '@tender/core/dist/monitoring/risk-history';
import { PaymentService } from '@tender/core/dist/payments/payment.service';
import { assessmentRow, fingerprintOf, openRiskBench, rebuildRiskBuckets } from './risk-bench-support';

const KEY_HISTORY = Number(process.env.BENCH_KEY_HISTORY ?? 50_000);
const CHECKS = Number(process.env.BENCH_CHECKS ?? 400);
const HOUR = 3_600_000;

interface Buyer {
  readonly card: { fingerprint: string; brand: string; bin: string; last4: string; expMonth: number; expYear: number };
  readonly ip: string;
  readonly email: string;
}

const buyer = (n: number): Buyer => ({
  card: { fingerprint: fingerprintOf(n), brand: 'visa', bin: '424242', last4: '4242', expMonth: 12, expYear: 2030 },
  ip: `10.0.0.${n}`,
  email: `buyer${n}@example.com`,
});

async function main(): Promise<void> {
  const ctx = { merchantId: 'mer_growth', livemode: false };
  const bench = await openRiskBench('growth', ctx.merchantId);
  const { gateway } = bench;
  try {
    const now = Date.now();
    const hot = buyer(1);
    const cold = buyer(2);
    const started = performance.now();
    await fillKey(gateway, ctx.merchantId, hot, KEY_HISTORY, now);
    await rebuildRiskBuckets(gateway);
    const fillSeconds = (performance.now() - started) / 1000;

    const payment = await gateway.container
      .resolve(PaymentService)
      .create(ctx, { amount: 150000, currency: 'RUB', order_id: 'bench', capture_method: 'automatic' });
    const engine = gateway.container.resolve(RiskEngine);
    const registry = gateway.container.resolve(RiskRuleRegistry);
    const settings = effectiveSettings(registry, {}, {});
    let statements = 0;
    gateway.db.on('query', () => statements++);

    const buckets = (b: Buyer) => () => engine.assess(ctx, payment, b.card, { ip: b.ip, email: b.email });
    const rows = (b: Buyer) => async () => {
      const history = new SqlRiskHistory(gateway.db, ctx);
      const input = { payment, card: { fingerprint: b.card.fingerprint, bin: b.card.bin, brand: b.card.brand }, ip: b.ip, email: b.email, now: Date.now() };
      for (const { rule, settings: s } of settings.rules) await rule.evaluate(input, s, history);
    };
    const time = async (check: () => Promise<unknown>): Promise<{ ms_mean: number; ms_p95: number; statements: number }> => {
      await check();
      const before = statements;
      const timings: number[] = [];
      for (let i = 0; i < CHECKS; i++) {
        const t0 = performance.now();
        await check();
        timings.push(performance.now() - t0);
      }
      timings.sort((a, b) => a - b);
      const mean = timings.reduce((s, x) => s + x, 0) / timings.length;
      return { ms_mean: round(mean), ms_p95: round(timings[Math.floor(timings.length * 0.95)] ?? 0), statements: (statements - before) / CHECKS };
    };
    const result = {
      database: bench.database,
      hot_key_history: KEY_HISTORY,
      fill_seconds: round(fillSeconds),
      checks_each: CHECKS,
      buckets_cold: await time(buckets(cold)),
      buckets_hot: await time(buckets(hot)),
      rows_cold: await time(rows(cold)),
      rows_hot: await time(rows(hot)),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await bench.close();
  }
}

/** `count` approved attempts of one buyer spread over the last hour. */
async function fillKey(gateway: Gateway, merchantId: string, b: Buyer, count: number, now: number): Promise<void> {
  for (let start = 0; start < count; start += 500) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      batch.push(
        assessmentRow({
          n: i,
          merchantId,
          card: b.card.fingerprint,
          ip: b.ip,
          email: b.email,
          amount: 150000,
          outcome: 'approved',
          at: now - HOUR + Math.floor((i / count) * HOUR) + 1,
        }),
      );
    }
    await gateway.db('risk_assessments').insert(batch);
  }
}

function round(x: number): number {
  return Number(x.toFixed(3));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
