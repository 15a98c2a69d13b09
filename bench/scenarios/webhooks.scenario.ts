import { WebhookDeliveryWatch } from '../webhook-delivery-watch';
import { createEndpoint, measureDrain } from '../webhook-drain';
import { BenchWebhookReceiver } from '../webhook-receiver';
import { DispatcherPlace, dispatcherPlaces, webhookRounds } from '../webhook-report';
import { runsInTurns } from './in-turns';
import { measurePayments, PaymentRunSpec } from './payment-run';
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

const placeLabel = (place: DispatcherPlace): string => (place === 'worker' ? 'dispatcher in a tender worker, ' : '');

/** The payment runs of this scenario, with or without an endpoint per merchant, the dispatcher in `place`. */
function paymentSpec(variant: string, endpoints: boolean, place: DispatcherPlace): PaymentRunSpec {
  const env: NodeJS.ProcessEnv = {
    // Test-mode endpoints may point at loopback only with this (docs/webhooks.md).
    ...(endpoints ? { TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' } : {}),
    // The worker runs the dispatcher; the serving gateway does not (both runs of a pair alike).
    ...(place === 'worker' ? { TENDER_WEBHOOK_DISPATCHER: 'false' } : {}),
  };
  return {
    number: 7,
    scenario: 'webhooks',
    title: TITLE,
    variant,
    server: 'gateway',
    processes: 1,
    ...(place === 'worker' ? { workers: 1 } : {}),
    concurrency: CONCURRENCY,
    historyPayments: 0,
    webhookEndpoints: endpoints ? CONCURRENCY : 0,
    ...(Object.keys(env).length > 0 ? { gatewayEnv: env } : {}),
  };
}

/**
 * What webhooks cost in payment throughput: the same payments with no endpoint and
 * with one per merchant, in turns (in-turns.ts), so the machine's drift weighs on both
 * alike. A turn with endpoints ends with its last second or so of deliveries still
 * pending; they go out during the next turn, outside its own count. That shifts about
 * lag / turn length of the webhooks' work (under 10 % of it at a lag p99 of 1.5 s and
 * 15 s turns) onto the other run: the cost is understated by that share of itself.
 */
function costInTurns(ctx: ScenarioContext, place: DispatcherPlace): BenchRun[] {
  let receiver: Promise<BenchWebhookReceiver> | undefined;
  const withEndpoints: PaymentRunSpec = {
    ...paymentSpec(`${placeLabel(place)}cost in turns, ${CONCURRENCY} endpoints, c=${CONCURRENCY}`, true, place),
    prepare: async (gatewayUrl, _db, merchant) => {
      receiver ??= BenchWebhookReceiver.start();
      await createEndpoint(gatewayUrl, merchant.secretKey, (await receiver).url);
      return merchant.secretKey;
    },
  };
  return runsInTurns(sized(ctx), [paymentSpec(`${placeLabel(place)}cost in turns, no endpoints, c=${CONCURRENCY}`, false, place), withEndpoints], async () => {
    if (receiver !== undefined) await (await receiver).close();
  });
}

/**
 * Every merchant has one endpoint subscribed to every event, pointing at a receiver
 * on loopback that answers at once; the dispatcher (default settings, in `place`)
 * delivers while the load runs.
 */
function withEndpoints(ctx: ScenarioContext, round: number, rounds: number, place: DispatcherPlace): BenchRun {
  const roundLabel = rounds === 1 ? '' : `round ${round}, `;
  const variant = `${placeLabel(place)}${roundLabel}${CONCURRENCY} endpoints, receiver answers at once, c=${CONCURRENCY}`;
  return {
    variant,
    measure: async (): Promise<ScenarioRow> => {
      const run = sized(ctx);
      const receiver = await BenchWebhookReceiver.start();
      try {
        return await measurePayments(run, {
          ...paymentSpec(variant, true, place),
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
 * Scenario 7: card payments at c=8 from 8 merchants with one webhook endpoint each,
 * one continuous load: the delivery backlog over time and the delivery lag; then
 * what webhooks cost in payment throughput, the same payments without and with
 * endpoints in turns (bench/webhook-report.ts); with the dispatcher in the serving
 * gateway, and with BENCH_WEBHOOK_DISPATCHERS=gateway,worker again in a `tender
 * worker` beside it.
 * Then the dispatcher's capacity: how fast it drains 20,000 deliveries made due at once.
 */
export const webhooksScenario: BenchScenario = {
  number: 7,
  id: 'webhooks',
  title: TITLE,
  unavailable: () => undefined,
  plan: (ctx) => {
    // Runs with endpoints measured as one continuous load (the backlog and the lag), BENCH_WEBHOOK_ROUNDS of
    // them (default 1; 0 runs only the cost pair and the drain); the cost in throughput has its own pair in turns.
    const rounds = webhookRounds(process.env.BENCH_WEBHOOK_ROUNDS);
    // Where the dispatcher runs, BENCH_WEBHOOK_DISPATCHERS (default `gateway`): `gateway`, in the serving process
    // (Tender's default); `worker`, in one `tender worker` beside a gateway with TENDER_WEBHOOK_DISPATCHER=false
    // (docs/webhooks.md). Each place has its own runs and its own verdict (webhook-report.ts). `worker` is not in
    // the default: on this 2-core machine it cost as much as the dispatcher in the gateway (docs/performance.md),
    // and it adds about six minutes to the scenario.
    const places = dispatcherPlaces(process.env.BENCH_WEBHOOK_DISPATCHERS);
    return [
      ...places.flatMap((place) => [...Array.from({ length: rounds }, (_, i) => withEndpoints(ctx, i + 1, rounds, place)), ...costInTurns(ctx, place)]),
      // The dispatcher's own capacity, whatever rate the payments reach on this machine today.
      {
        variant: 'drain a backlog',
        measure: () => measureDrain(ctx, { number: 7, title: TITLE, perEndpoint: ctx.config.quick ? 250 : 2500, maxMs: ctx.config.quick ? 20_000 : 60_000 }),
      },
    ];
  },
};
