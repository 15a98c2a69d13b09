import { runsInTurns } from './in-turns';
import { BenchScenario, bestCardConcurrency } from './scenario';

/** Scenario 6: one, then two gateway processes on one database; with two, requests go round-robin (a payment's create and confirm usually land on different processes). */
export const scaleOutScenario: BenchScenario = {
  number: 6,
  id: 'scale-out',
  title: 'scale-out (2 processes, 1 database)',
  unavailable: () => undefined,
  plan(ctx) {
    const concurrency = bestCardConcurrency(ctx);
    // One process and two take turns (in-turns.ts): the baseline is measured on the same machine, in the same minutes.
    return runsInTurns(
      ctx,
      [1, 2].map((processes) => ({
        number: 6,
        scenario: 'scale-out',
        title: scaleOutScenario.title,
        variant: `${processes} process${processes === 1 ? '' : 'es'}, c=${concurrency}`,
        server: 'gateway',
        processes,
        concurrency,
        historyPayments: 0,
      })),
    );
  },
};
