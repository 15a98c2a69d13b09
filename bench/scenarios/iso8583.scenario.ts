import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../bench-database';
import { BenchScenario } from './scenario';

/** The ISO 8583 adapter's package when issue 5 is merged. */
const ISO8583_ADAPTER = path.join(REPO_ROOT, 'adapters', 'iso8583');

/**
 * Scenario 4: authorizations through the ISO 8583 adapter to the simulator over
 * TCP, many in flight on one connection. Not written yet: the adapter and
 * simulator are being built in issue 5. To add it: start the simulator, start the
 * gateway with TENDER_PLUGINS including the adapter and a merchant routed to it,
 * and reuse measurePayments with that gateway.
 */
export const iso8583Scenario: BenchScenario = {
  number: 4,
  id: 'iso8583',
  title: 'ISO 8583 authorizations (TCP)',
  unavailable: () =>
    fs.existsSync(ISO8583_ADAPTER)
      ? 'the ISO 8583 adapter is in this build, but its benchmark is not written (bench/scenarios/iso8583.scenario.ts)'
      : 'no ISO 8583 adapter in this build (issue 5)',
  plan: () => [],
};
