import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../bench-database';
import { BenchScenario } from './scenario';

/** Where the hosted payment page's routes land when issue 3 is merged (core/src/http/pay/, per the architecture). */
const PAY_ROUTES = path.join(REPO_ROOT, 'core', 'dist', 'http', 'pay');

/**
 * Scenario 3: GET of the payment page for a branded merchant (render cost).
 * Not written yet: the hosted page is being built in issue 3. To add it: a
 * `page-view` workload in load/workloads.ts (GET the payment_url of a created
 * payment) and a `run` like the card-payment scenario's.
 */
export const hostedPageScenario: BenchScenario = {
  number: 3,
  id: 'hosted-page',
  title: 'hosted page (GET, branded)',
  unavailable: () =>
    fs.existsSync(PAY_ROUTES)
      ? 'the hosted page is in this build, but its benchmark is not written (bench/scenarios/hosted-page.scenario.ts)'
      : 'no hosted payment page in this build (issue 3)',
  plan: () => [],
};
