import { measurePayments } from './payment-run';
import { BenchScenario, bestCardConcurrency } from './scenario';

/** Scenario 6: two gateway processes on one database, requests round-robin between them (a payment's create and confirm usually land on different processes). */
export const scaleOutScenario: BenchScenario = {
  number: 6,
  id: 'scale-out',
  title: 'scale-out (2 processes, 1 database)',
  unavailable: () => undefined,
  plan(ctx) {
    const concurrency = bestCardConcurrency(ctx);
    const variant = `2 processes, c=${concurrency}`;
    return [{ variant, measure: () => measurePayments(ctx, { number: 6, scenario: 'scale-out', title: scaleOutScenario.title, variant, server: 'gateway', processes: 2, concurrency, historyPayments: 0 }) }];
  },
};
