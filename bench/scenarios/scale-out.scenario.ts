import { measurePayments } from './payment-run';
import { BenchScenario, bestCardConcurrency } from './scenario';

/** Scenario 6: one, then two gateway processes on one database; with two, requests go round-robin (a payment's create and confirm usually land on different processes). */
export const scaleOutScenario: BenchScenario = {
  number: 6,
  id: 'scale-out',
  title: 'scale-out (2 processes, 1 database)',
  unavailable: () => undefined,
  plan(ctx) {
    const concurrency = bestCardConcurrency(ctx);
    // One process right before two: the baseline is measured under the same machine load.
    return [1, 2].map((processes) => {
      const variant = `${processes} process${processes === 1 ? '' : 'es'}, c=${concurrency}`;
      return {
        variant,
        measure: () =>
          measurePayments(ctx, {
            number: 6,
            scenario: 'scale-out',
            title: scaleOutScenario.title,
            variant,
            server: 'gateway',
            processes,
            concurrency,
            historyPayments: 0,
          }),
      };
    });
  },
};
