import { runsAtEachConcurrency } from './payment-run';
import { BenchScenario } from './scenario';

/** Scenario 2: the floor server (express + mysql2, the gateway's statements, no gateway logic) at the same levels. */
export const floorScenario: BenchScenario = {
  number: 2,
  id: 'floor',
  title: 'the floor (express + mysql2)',
  unavailable: () => undefined,
  interleave: true,
  plan: (ctx) => runsAtEachConcurrency(ctx, { number: 2, scenario: 'floor', title: floorScenario.title, server: 'floor' }),
};
