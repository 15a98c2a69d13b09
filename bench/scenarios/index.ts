import { cardPaymentScenario } from './card-payment.scenario';
import { floorScenario } from './floor.scenario';
import { galeraScenario } from './galera.scenario';
import { growthScenario } from './growth.scenario';
import { hostedPageScenario } from './hosted-page.scenario';
import { iso8583Scenario } from './iso8583.scenario';
import { mitPaymentScenario } from './mit-payment.scenario';
import { physicalFloorScenario, referenceFloorScenario } from './reference-floors.scenario';
import { scaleOutScenario } from './scale-out.scenario';
import { BenchScenario } from './scenario';
import { soakScenario } from './soak.scenario';
import { webhooksScenario } from './webhooks.scenario';

/**
 * Every scenario, in the order they run. Scenario 1 runs first because 5 and 6 use
 * its best concurrency; the floor runs right after it so the headline ratio compares
 * two measurements taken minutes apart on the same machine. Scenario 8
 * (merchant-initiated charges) and the two fixed floors (9, 10) take turns with both,
 * for their ratios to card payments. The soak (11, opt-in) and the Galera cluster (12)
 * come last: the longest, and the one that starts three more database servers.
 */
export const SCENARIOS: readonly BenchScenario[] = [
  cardPaymentScenario,
  mitPaymentScenario,
  floorScenario,
  referenceFloorScenario,
  physicalFloorScenario,
  hostedPageScenario,
  iso8583Scenario,
  growthScenario,
  scaleOutScenario,
  webhooksScenario,
  soakScenario,
  galeraScenario,
];
