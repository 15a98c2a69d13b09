import { measurePayments } from './payment-run';
import { BenchScenario } from './scenario';

/**
 * Scenario 8: merchant-initiated charges of a saved card (@tender/plugin-saved-cards):
 * one request per payment (`customer`, `payment_method: "pm_..."`, `off_session: true`,
 * `confirm: true`), the PAN read from the vault, the sandbox told it is a stored
 * credential. It takes turns with scenario 1 (card payments) at each concurrency, so
 * the report's "merchant-initiated / card" ratio compares runs minutes apart.
 */
export const mitPaymentScenario: BenchScenario = {
  number: 8,
  id: 'mit-payment',
  title: 'merchant-initiated charge (saved card), direct API',
  unavailable: () => undefined,
  interleave: true,
  plan: (ctx) =>
    ctx.config.concurrency.map((concurrency) => ({
      variant: `c=${concurrency}`,
      measure: () =>
        measurePayments(ctx, {
          number: 8,
          scenario: 'mit-payment',
          title: mitPaymentScenario.title,
          variant: `c=${concurrency}`,
          server: 'gateway',
          processes: 1,
          concurrency,
          historyPayments: 0,
          workload: 'mit-payment',
        }),
    })),
};
