import { Router } from 'express';
import { ServiceResolver } from '@tender/core';
import { BREAKER, requireWebRole } from '@tender/core';
import { BankHealthSummary } from './bank-health.summary';
import { renderConsole } from './console-page';

/** Per mille as a percentage with one decimal, e.g. 125 -> '12.5'. Display only: integer arithmetic until here. */
function percent(perMille: number): string {
  return `${Math.floor(perMille / 10)}.${perMille % 10}`;
}

/** /console/banks: the bank catalogue with each bank's connections and their health. */
export function consoleBanksRouter(container: ServiceResolver): Router {
  const router = Router();
  const summary = container.resolve(BankHealthSummary);
  router.use(requireWebRole('operator'));

  router.get('/', async (_req, res) => {
    const banks = (await summary.banks()).map((b) => ({
      ...b,
      currencies: b.currencies.join(', '),
      errorPercent: percent(b.errorPerMille),
      alarm: b.state !== 'closed',
      connections: b.connections.map((c) => ({ ...c, errorPercent: percent(c.errorPerMille), alarm: c.state !== 'closed' })),
    }));
    renderConsole(res, 'banks', {
      title: 'console.banks.title',
      banks,
      breakerKeys: { closed: 'console.breaker.closed', open: 'console.breaker.open', half_open: 'console.breaker.half_open' },
      breaker: {
        window: BREAKER.window,
        minimumCalls: BREAKER.minimumCalls,
        errorPercent: Math.round(BREAKER.errorRate * 100),
        openSeconds: BREAKER.openMs / 1000,
      },
    });
  });

  return router;
}
