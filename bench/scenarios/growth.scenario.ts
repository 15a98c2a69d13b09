import { measurePayments } from './payment-run';
import { BenchScenario, ScenarioRow, bestCardConcurrency } from './scenario';

/**
 * Scenario 5: scenario 1 at its best concurrency with 10 thousand, and (opt-in,
 * BENCH_HISTORY_1M=1) 1 million payments of history already in the database.
 */
export const growthScenario: BenchScenario = {
  number: 5,
  id: 'growth',
  title: 'growth (history in the database)',
  unavailable: () => undefined,
  async run(ctx) {
    const concurrency = bestCardConcurrency(ctx);
    const rows: ScenarioRow[] = [];
    rows.push(await measurePayments(ctx, { number: 5, scenario: 'growth', title: this.title, variant: `10k history, c=${concurrency}`, server: 'gateway', processes: 1, concurrency, historyPayments: 10_000 }));
    if (ctx.config.history1M) {
      rows.push(await measurePayments(ctx, { number: 5, scenario: 'growth', title: this.title, variant: `1M history, c=${concurrency}`, server: 'gateway', processes: 1, concurrency, historyPayments: 1_000_000 }));
    } else {
      rows.push({ number: 5, scenario: 'growth', title: this.title, variant: '1M history', status: 'skipped', note: 'opt-in: BENCH_HISTORY_1M=1 (populating 1M payments takes minutes on this machine)', historyPayments: 1_000_000 });
    }
    return rows;
  },
};
