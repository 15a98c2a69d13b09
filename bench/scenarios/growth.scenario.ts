import { runsInTurns } from './in-turns';
import { PaymentRunSpec } from './payment-run';
import { BenchRun, BenchScenario, bestCardConcurrency } from './scenario';

/**
 * Scenario 5: scenario 1 at its best concurrency with no history (the baseline),
 * with 10 thousand and (opt-in, BENCH_HISTORY_1M=1) 1 million payments of history
 * already in the database. The runs take turns (in-turns.ts): each history's gateway
 * and database are set up first, then the load moves between them, so the loss with
 * history is not the machine's drift over the minutes between two rows.
 */
export const growthScenario: BenchScenario = {
  number: 5,
  id: 'growth',
  title: 'growth (history in the database)',
  unavailable: () => undefined,
  plan(ctx) {
    const concurrency = bestCardConcurrency(ctx);
    const run = (history: number, label: string): PaymentRunSpec => ({
      number: 5,
      scenario: 'growth',
      title: growthScenario.title,
      variant: `${label} history, c=${concurrency}`,
      server: 'gateway',
      processes: 1,
      concurrency,
      historyPayments: history,
    });
    const skipped: BenchRun = {
      variant: '1M history',
      measure: async () => ({
        number: 5,
        scenario: 'growth',
        title: growthScenario.title,
        variant: '1M history',
        status: 'skipped',
        note: 'opt-in: BENCH_HISTORY_1M=1 (writing 1M payments of history takes about 3 minutes here)',
        historyPayments: 1_000_000,
      }),
    };
    // Its own baseline, in turns with the others: scenario 1's rows are minutes old, and the machine's speed moves.
    const measured = runsInTurns(ctx, [run(0, 'no'), run(10_000, '10k'), ...(ctx.config.history1M ? [run(1_000_000, '1M')] : [])]);
    return ctx.config.history1M ? measured : [...measured, skipped];
  },
};
