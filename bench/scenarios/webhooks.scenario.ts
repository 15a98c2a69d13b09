import { WebhookDeliveryWatch } from '../webhook-delivery-watch';
import { createEndpoint, measureDrain } from '../webhook-drain';
import { BenchWebhookReceiver } from '../webhook-receiver';
import { measurePayments } from './payment-run';
import { BenchRun, BenchScenario, ScenarioContext, ScenarioRow } from './scenario';

const TITLE = 'webhooks keep pace (8 merchants, an endpoint each)';
const CONCURRENCY = 8;
/** The backlog needs time to show a trend: at least a minute measured unless quick. */
const MIN_MEASURE_S = 60;

/** The scenario's own sizes: a longer measured window than the other scenarios. */
function sized(ctx: ScenarioContext): ScenarioContext {
  const measureS = ctx.config.quick ? ctx.config.measureS : Math.max(ctx.config.measureS, MIN_MEASURE_S);
  return { ...ctx, config: { ...ctx.config, measureS } };
}

/**
 * Pairs of runs (without, with endpoints), `BENCH_WEBHOOK_ROUNDS` of them (default 1):
 * on a machine shared with other work, more pairs give the cost a steadier figure;
 * 0 runs only the backlog drain.
 */
function rounds(): number {
  const n = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? '1');
  if (!Number.isInteger(n) || n < 0) throw new Error(`BENCH_WEBHOOK_ROUNDS must be a whole number (got '${process.env.BENCH_WEBHOOK_ROUNDS ?? ''}')`);
  return n;
}

const roundLabel = (round: number): string => (rounds() === 1 ? '' : `round ${round}, `);

/** The same payments with no webhook endpoint: the baseline the cost is measured against. */
function baseline(ctx: ScenarioContext, round: number): BenchRun {
  const variant = `${roundLabel(round)}no endpoints, c=${CONCURRENCY}`;
  return {
    variant,
    measure: () =>
      measurePayments(sized(ctx), {
        number: 7,
        scenario: 'webhooks',
        title: TITLE,
        variant,
        server: 'gateway',
        processes: 1,
        concurrency: CONCURRENCY,
        historyPayments: 0,
      }),
  };
}

/**
 * Every merchant has one endpoint subscribed to every event, pointing at a receiver
 * on loopback that answers at once; the gateway's own dispatcher (default settings)
 * delivers while the load runs.
 */
function withEndpoints(ctx: ScenarioContext, round: number): BenchRun {
  const variant = `${roundLabel(round)}${CONCURRENCY} endpoints, receiver answers at once, c=${CONCURRENCY}`;
  return {
    variant,
    measure: async (): Promise<ScenarioRow> => {
      const run = sized(ctx);
      const receiver = await BenchWebhookReceiver.start();
      try {
        return await measurePayments(run, {
          number: 7,
          scenario: 'webhooks',
          title: TITLE,
          variant,
          server: 'gateway',
          processes: 1,
          concurrency: CONCURRENCY,
          historyPayments: 0,
          // Test-mode endpoints may point at loopback only with this (docs/webhooks.md).
          gatewayEnv: { TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' },
          prepare: async (gatewayUrl, _db, merchant) => {
            await createEndpoint(gatewayUrl, merchant.secretKey, receiver.url);
            return merchant.secretKey;
          },
          observe: (db) =>
            new WebhookDeliveryWatch(db, receiver, {
              warmupMs: run.config.warmupS * 1000,
              drainMaxMs: run.config.quick ? 30_000 : 120_000,
              endpoints: CONCURRENCY,
              log: ctx.log,
            }),
        });
      } finally {
        await receiver.close();
      }
    },
  };
}

/**
 * Scenario 7: card payments at c=8 from 8 merchants, first with no webhook endpoint,
 * then with one endpoint each; reports the delivery backlog over time, the delivery
 * lag and what webhooks cost in payment throughput (bench/webhook-report.ts). Then
 * the dispatcher's capacity: how fast it drains 20,000 deliveries made due at once.
 */
export const webhooksScenario: BenchScenario = {
  number: 7,
  id: 'webhooks',
  title: TITLE,
  unavailable: () => undefined,
  plan: (ctx) => [
    ...Array.from({ length: rounds() }, (_, i) => [baseline(ctx, i + 1), withEndpoints(ctx, i + 1)]).flat(),
    // The dispatcher's own capacity, whatever rate the payments reach on this machine today.
    {
      variant: 'drain a backlog',
      measure: () => measureDrain(ctx, { number: 7, title: TITLE, perEndpoint: ctx.config.quick ? 250 : 2500, maxMs: ctx.config.quick ? 20_000 : 60_000 }),
    },
  ],
};
