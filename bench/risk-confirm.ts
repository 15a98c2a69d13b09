/**
 * What transaction monitoring costs on the whole confirm path (issue 8), with a large
 * history and confirms running at the same time:
 *
 *   npm run build && node bench/dist/risk-confirm.js                    # SQLite in a temporary directory
 *   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306/tender_bench_confirm node bench/dist/risk-confirm.js
 *   BENCH_HISTORY=200000 BENCH_CONFIRMS=400 BENCH_CONCURRENCY=8 node bench/dist/risk-confirm.js
 *
 * Fills `risk_assessments` with BENCH_HISTORY attempts of one merchant over 30 days,
 * then runs PaymentService.confirm (sandbox bank, in process) for BENCH_CONFIRMS
 * payments, BENCH_CONCURRENCY at a time, in two traffic shapes: every confirm from
 * its own card, IP and e-mail ("distinct"), and every confirm from one IP with its
 * own card ("one IP": the confirms share the IP's history key). Thresholds are set
 * high so nothing is blocked: the figure is the cost of assessing, not of declining.
 * Reports latency per confirm, throughput and SQL statements per confirm.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { PaymentService } from '@tender/core/dist/payments/payment.service';
import { RiskRuleSetService } from '@tender/core/dist/monitoring/risk-rule-set.service';
import { openRiskBench, ipOf, populateRiskHistory } from './risk-bench-support';

const HISTORY = Number(process.env.BENCH_HISTORY ?? 1_000_000);
const CONFIRMS = Number(process.env.BENCH_CONFIRMS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

async function main(): Promise<void> {
  const ctx = { merchantId: 'mer_bench', livemode: false };
  const bench = await openRiskBench('confirm', ctx.merchantId, { TENDER_WEBHOOK_DISPATCHER: 'false', TENDER_DB_POOL_MAX: String(CONCURRENCY + 2) });
  const { gateway } = bench;
  try {
    const started = performance.now();
    await populateRiskHistory(gateway, ctx.merchantId, HISTORY);
    const populateSeconds = (performance.now() - started) / 1000;
    // Every rule runs and enforces, with limits nobody in this traffic reaches.
    await gateway.container.resolve(RiskRuleSetService).replace(
      { kind: 'merchant', ctx },
      {
        rules: {
          velocity: {
            limits: [
              { key: 'card', window_seconds: 3600, max_attempts: 10000, score: 50 },
              { key: 'ip', window_seconds: 3600, max_attempts: 10000, score: 50 },
              { key: 'email', window_seconds: 3600, max_attempts: 10000, score: 50 },
            ],
          },
          card_testing: { max_small_attempts: 10000, max_distinct_cards: 1000 },
          declines: { max_declines: 1000 },
        },
      },
    );
    const payments = gateway.container.resolve(PaymentService);
    const shapes = {
      distinct: (i: number) => ({ ip: ipOf(2_000_000 + i), email: `new${i}@example.com` }),
      one_ip: (i: number) => ({ ip: ipOf(7), email: `new${i}@example.com` }),
    };
    const results: Record<string, unknown> = {};
    let serial = 0;
    for (const [shape, customerOf] of Object.entries(shapes)) {
      const ids: string[] = [];
      for (let i = 0; i < CONFIRMS; i++)
        ids.push((await payments.create(ctx, { amount: 150000, currency: 'RUB', order_id: `bench-${shape}-${i}`, capture_method: 'automatic' })).id);
      let statements = 0;
      const count = (): void => {
        statements++;
      };
      gateway.db.on('query', count);
      const timings: number[] = [];
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = next++; i < CONFIRMS; i = next++) {
            const number = serialCard(serial++);
            const s = performance.now();
            await payments.confirm(ctx, ids[i], { type: 'card', card: { number, exp_month: 12, exp_year: 2031, cvc: '123' } }, customerOf(i));
            timings.push(performance.now() - s);
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      gateway.db.removeListener('query', count);
      timings.sort((a, b) => a - b);
      const pct = (p: number): number => Number((timings[Math.min(timings.length - 1, Math.floor(timings.length * p))] ?? 0).toFixed(2));
      results[shape] = {
        confirms_per_second: Number((CONFIRMS / seconds).toFixed(1)),
        statements_per_confirm: Number((statements / CONFIRMS).toFixed(1)),
        ms_mean: Number((timings.reduce((s, x) => s + x, 0) / timings.length).toFixed(2)),
        ms_p50: pct(0.5),
        ms_p95: pct(0.95),
        ms_p99: pct(0.99),
      };
    }
    const summary = {
      database: bench.database,
      history_rows: HISTORY,
      populate_seconds: Number(populateSeconds.toFixed(1)),
      confirms: CONFIRMS,
      concurrency: CONCURRENCY,
      ...results,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    await bench.close();
  }
}

/** A Luhn-valid Visa number from a serial (the sandbox declines it: the bank is still asked). */
function serialCard(serial: number): string {
  const body = `400013${String(serial).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
