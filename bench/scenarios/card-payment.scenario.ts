import { runsAtEachConcurrency } from './payment-run';
import { BenchScenario } from './scenario';

/** Scenario 1: create + confirm with the approved sandbox card, automatic capture, at each concurrency level. */
export const cardPaymentScenario: BenchScenario = {
  number: 1,
  id: 'card-payment',
  title: 'card payment, direct API',
  unavailable: () => undefined,
  interleave: true,
  plan: (ctx) => runsAtEachConcurrency(ctx, { number: 1, scenario: 'card-payment', title: cardPaymentScenario.title, server: 'gateway' }),
};
