import { cardPaymentScenario } from './card-payment.scenario';
import { floorScenario } from './floor.scenario';
import { growthScenario } from './growth.scenario';
import { hostedPageScenario } from './hosted-page.scenario';
import { iso8583Scenario } from './iso8583.scenario';
import { mitPaymentScenario } from './mit-payment.scenario';
import { scaleOutScenario } from './scale-out.scenario';
import { BenchScenario } from './scenario';
import { webhooksScenario } from './webhooks.scenario';

/**
 * Every scenario, in the order they run. Scenario 1 runs first because 5 and 6 use
 * its best concurrency; the floor runs right after it so the headline ratio compares
 * two measurements taken minutes apart on the same machine. Scenario 8
 * (merchant-initiated charges) takes turns with both, for its ratio to card payments.
 */
export const SCENARIOS: readonly BenchScenario[] = [cardPaymentScenario, mitPaymentScenario, floorScenario, hostedPageScenario, iso8583Scenario, growthScenario, scaleOutScenario, webhooksScenario];
