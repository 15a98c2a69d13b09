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
import { performance } from 'node:perf_hooks';
import { RiskEngine } from '@tender/core/dist/monitoring/risk-engine';
import { PaymentService } from '@tender/core/dist/payments/payment.service';
import { openRiskBench, fingerprintOf, ipOf, populateRiskHistory } from './risk-bench-support';

const HISTORY = Number(process.env.BENCH_HISTORY ?? 1_000_000);
const ASSESSMENTS = Number(process.env.BENCH_ASSESSMENTS ?? 2000);

async function main(): Promise<void> {
  const ctx = { merchantId: 'mer_bench', livemode: false };
  const bench = await openRiskBench('risk', ctx.merchantId);
  const { gateway } = bench;
  try {
    const started = performance.now();
    await populateRiskHistory(gateway, ctx.merchantId, HISTORY);
    const populateSeconds = (performance.now() - started) / 1000;

    const payment = await gateway.container
      .resolve(PaymentService)
      .create(ctx, { amount: 150000, currency: 'RUB', order_id: 'bench', capture_method: 'automatic' });
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
      database: bench.database,
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
    await bench.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
