import { Pool } from 'undici';
import { LoadMessage, LoadPlan } from './load-protocol';
import { Exchange, Send, WORKLOADS } from './workloads';
import { percentile } from './percentile';

/**
 * The load-generator process (forked by the harness). It receives one LoadPlan,
 * runs `concurrency` clients for warm-up + measure, lets units in flight finish
 * (so every payment it created is also confirmed), and reports one LoadResult.
 */
async function runPlan(plan: LoadPlan, report: (m: LoadMessage) => void): Promise<void> {
  const workload = WORKLOADS[plan.workload];
  if (workload === undefined) throw new Error(`unknown workload '${plan.workload}'`);
  const pools = plan.targets.map((t) => new Pool(t, { connections: plan.concurrency, pipelining: 1, keepAliveTimeout: 60_000 }));
  const started = performance.now();
  const measureStart = started + plan.warmupMs;
  const measureEnd = measureStart + plan.measureMs;
  const unitLatencies: number[] = [];
  const requestLatencies: number[] = [];
  const errorSamples: string[] = [];
  let measured = 0;
  let created2xx = 0;
  let completed2xx = 0;
  let errors = 0;
  let completedTotal = 0;
  let next = 0;
  let turn = 0;
  const inWindow = (t: number): boolean => t >= measureStart && t <= measureEnd;

  const sendAs =
    (secretKey: string): Send =>
    async (method, path, body) => {
      const pool = pools[turn++ % pools.length];
      const t0 = performance.now();
      const response = await pool.request({
        method,
        path,
        headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.body.text();
      const t1 = performance.now();
      if (inWindow(t1)) requestLatencies.push(t1 - t0);
      const exchange: Exchange = { status: response.statusCode, body: text };
      return exchange;
    };

  const client = async (index: number): Promise<void> => {
    const send = sendAs(plan.secretKeys.length === 0 ? '' : plan.secretKeys[index % plan.secretKeys.length]);
    while (performance.now() < measureEnd) {
      const sequence = next++;
      const t0 = performance.now();
      let outcome;
      try {
        outcome = await workload.run(send, sequence, plan);
      } catch (error) {
        outcome = { created: false, completed: false, error: error instanceof Error ? error.message : String(error) };
      }
      const t1 = performance.now();
      if (outcome.created) created2xx++;
      if (outcome.completed) {
        completed2xx++;
        completedTotal++;
        if (inWindow(t1)) {
          measured++;
          unitLatencies.push(t1 - t0);
        }
      }
      if (outcome.error !== undefined) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(outcome.error);
      }
    }
  };

  let lastCount = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    const phase = now < measureStart ? 'warmup' : now <= measureEnd ? 'measure' : 'drain';
    report({ type: 'progress', phase, elapsedMs: now - started, totalMs: plan.warmupMs + plan.measureMs, measured, errors, rate: completedTotal - lastCount });
    lastCount = completedTotal;
  }, 1000);
  try {
    await Promise.all(Array.from({ length: plan.concurrency }, (_, i) => client(i)));
  } finally {
    clearInterval(ticker);
    await Promise.all(pools.map((p) => p.close()));
  }
  unitLatencies.sort((a, b) => a - b);
  requestLatencies.sort((a, b) => a - b);
  report({
    type: 'result',
    measured,
    measureMs: plan.measureMs,
    unitP50: percentile(unitLatencies, 50),
    unitP99: percentile(unitLatencies, 99),
    requestP50: percentile(requestLatencies, 50),
    requestP99: percentile(requestLatencies, 99),
    requestMax: requestLatencies.length === 0 ? 0 : requestLatencies[requestLatencies.length - 1],
    totals: { created2xx, completed2xx, errors },
    errorSamples,
  });
}

process.once('message', (plan: LoadPlan) => {
  const report = (m: LoadMessage): void => {
    process.send?.(m);
  };
  runPlan(plan, report).then(
    () => process.disconnect(),
    (error: unknown) => {
      report({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.disconnect();
    },
  );
});
