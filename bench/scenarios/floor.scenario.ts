import { runsAtEachConcurrency } from './payment-run';
import { BenchScenario } from './scenario';

/** Scenario 2: the same-statement floor (express + mysql2 replaying bench/floors/same-statement.json: the gateway's statements, no gateway logic) at the same levels. */
export const floorScenario: BenchScenario = {
  number: 2,
  id: 'floor',
  title: 'the floor (express + mysql2)',
  unavailable: () => undefined,
  interleave: true,
  plan: (ctx) => runsAtEachConcurrency(ctx, { number: 2, scenario: 'floor', title: floorScenario.title, server: 'floor' }),
};
