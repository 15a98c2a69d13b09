import assert from 'node:assert/strict';
import path from 'node:path';
import type * as WebhookReport from '../../bench/webhook-report';
import type { ScenarioRow, WebhookFigures } from '../../bench/scenarios/scenario';

// bench/ is its own project (see bench-report.spec.ts): load its compiled output.
const BENCH_DIST = path.resolve(__dirname, '..', '..', '..', 'bench', 'dist');
const { backlogIsFlat, dispatcherPlaces, webhookComparison, webhookRounds, webhookTargets } = require(
  path.join(BENCH_DIST, 'webhook-report'),
) as typeof WebhookReport;

// The webhooks scenario's verdicts on made-up rows: nothing here measures time.
const figures = (extra: Partial<WebhookFigures>): WebhookFigures => ({
  endpoints: 8,
  events: 30_000,
  eventsPerS: 400,
  backlog: [
    { s: 5, pending: 40 },
    { s: 10, pending: 60 },
  ],
  backlogAtLoadEnd: 60,
  backlogMaxMeasured: 60,
  lagP50Ms: 300,
  lagP99Ms: 1200,
  lagMaxMs: 2000,
  deliveredByLoadEnd: 0.99,
  drainS: 0.5,
  undelivered: 0,
  duplicates: 0,
  concurrentDuplicates: 0,
  ...extra,
});
const row = (throughput: number, webhooks?: WebhookFigures): ScenarioRow => ({
  number: 7,
  scenario: 'webhooks',
  title: 'webhooks',
  variant: webhooks === undefined ? 'no endpoints' : 'endpoints',
  status: 'measured',
  throughput,
  errors: 0,
  correctness: { ok: true, detail: '' },
  ...(webhooks === undefined ? {} : { webhooks }),
});

describe('benchmark report: webhooks keep pace (no database)', () => {
  it('a backlog is flat when what is pending at the end is under two seconds of events', () => {
    assert.equal(backlogIsFlat(figures({ eventsPerS: 400, backlogAtLoadEnd: 800 })), true);
    assert.equal(backlogIsFlat(figures({ eventsPerS: 400, backlogAtLoadEnd: 801 })), false);
    // A trickle of events still tolerates a small backlog.
    assert.equal(backlogIsFlat(figures({ eventsPerS: 1, backlogAtLoadEnd: 50 })), true);
  });

  it('measures the cost against the run without endpoints and meets the target when all three hold', () => {
    const rows = [row(200), row(184, figures({}))];
    assert.ok(Math.abs((webhookComparison(rows).cost ?? 0) - 0.08) < 1e-9);
    assert.equal(webhookTargets(rows)[0]?.verdict, 'met');
  });

  it('misses the target on cost, lag, a growing backlog or anything undelivered', () => {
    assert.equal(webhookTargets([row(200), row(170, figures({}))])[0]?.verdict, 'missed');
    assert.equal(webhookTargets([row(200), row(190, figures({ lagP99Ms: 5001 }))])[0]?.verdict, 'missed');
    assert.equal(webhookTargets([row(200), row(190, figures({ backlogAtLoadEnd: 5000 }))])[0]?.verdict, 'missed');
    assert.equal(webhookTargets([row(200), row(190, figures({ undelivered: 1 }))])[0]?.verdict, 'missed');
  });

  it('judges several rounds on the worst run and the cost on the means', () => {
    const rows = [row(200), row(190, figures({ lagP99Ms: 900 })), row(180), row(170, figures({ lagP99Ms: 4000 }))];
    const c = webhookComparison(rows);
    assert.equal(c.worst?.webhooks.lagP99Ms, 4000);
    assert.ok(Math.abs((c.cost ?? 0) - (1 - 180 / 190)) < 1e-9);
    assert.equal(webhookTargets(rows)[0]?.verdict, 'met');
    assert.equal(webhookTargets([...rows, row(190, figures({ backlogAtLoadEnd: 5000 }))])[0]?.verdict, 'missed');
  });

  it('does not take the backlog drain (deliveries/s) for a payment baseline, and reports it', () => {
    const drain: ScenarioRow = { ...row(900), unit: 'deliverie', variant: 'drain a backlog' };
    const rows = [row(200), row(190, figures({})), drain];
    assert.equal(webhookComparison(rows).baselineRate, 200);
    assert.match(webhookTargets(rows)[0]?.detail ?? '', /capacity 900 deliveries\/s/);
  });

  it('takes the cost from the pair measured in turns when it ran, the backlog and lag from the continuous run', () => {
    const turns = (throughput: number, endpoints: number): ScenarioRow => ({
      ...row(throughput),
      variant: 'cost in turns',
      turns: 4,
      webhookEndpoints: endpoints,
    });
    // The continuous run with endpoints was slow (the machine slowed down); the pair in turns says 5 %.
    const rows = [row(150, figures({ lagP99Ms: 1500 })), turns(200, 0), turns(190, 8)];
    const c = webhookComparison(rows);
    assert.equal(c.baselineRate, 200);
    assert.equal(c.withRate, 190);
    assert.equal(c.costTurns, 4);
    assert.ok(Math.abs((c.cost ?? 0) - 0.05) < 1e-9);
    assert.equal(c.worst?.webhooks.lagP99Ms, 1500);
    const [target] = webhookTargets(rows);
    assert.equal(target?.verdict, 'met');
    assert.match(target?.detail ?? '', /cost 5\.0% \(190 vs 200 payments\/s without endpoints\).*cost measured in turns, 4 each/);
    assert.equal(webhookTargets([row(150, figures({})), turns(200, 0), turns(170, 8)])[0]?.verdict, 'missed');
  });

  it('says what was not measured when only the cost pair ran (BENCH_WEBHOOK_ROUNDS=0)', () => {
    const turns = (throughput: number, endpoints: number): ScenarioRow => ({
      ...row(throughput),
      variant: 'cost in turns',
      turns: 4,
      webhookEndpoints: endpoints,
    });
    const [target] = webhookTargets([turns(200, 0), turns(190, 8)]);
    assert.equal(target?.verdict, 'not measured');
    assert.match(target?.detail ?? '', /backlog and lag not measured; cost 5\.0%/);
  });

  it('judges the dispatcher in the gateway and in a tender worker each on its own runs, and names both', () => {
    const inTurns = (throughput: number, endpoints: number, workers?: number): ScenarioRow => ({
      ...row(throughput),
      variant: 'cost in turns',
      turns: 4,
      webhookEndpoints: endpoints,
      ...(workers === undefined ? {} : { workers }),
    });
    const continuous = (throughput: number, workers?: number): ScenarioRow => ({
      ...row(throughput, figures({})),
      ...(workers === undefined ? {} : { workers }),
    });
    // In the gateway: 15 % (missed); in a worker: 5 % (met). Neither pair may borrow the other's rows.
    const rows = [continuous(170), inTurns(200, 0), inTurns(170, 8), continuous(180, 1), inTurns(190, 0, 1), inTurns(180.5, 8, 1)];
    assert.ok(Math.abs((webhookComparison(rows).cost ?? 0) - 0.15) < 1e-9);
    assert.ok(Math.abs((webhookComparison(rows, 'worker').cost ?? 0) - 0.05) < 1e-9);
    const [target] = webhookTargets(rows);
    assert.equal(target?.verdict, 'met');
    assert.match(target?.detail ?? '', /dispatcher in the gateway process: missed, .*cost 15\.0%.* \| dispatcher in a tender worker: met, .*cost 5\.0%/);
    // Missed in both places: missed.
    assert.equal(
      webhookTargets([continuous(170), inTurns(200, 0), inTurns(170, 8), continuous(180, 1), inTurns(190, 0, 1), inTurns(160, 8, 1)])[0]?.verdict,
      'missed',
    );
    // Only the worker's runs: judged on them alone.
    assert.equal(webhookTargets([continuous(180, 1), inTurns(190, 0, 1), inTurns(180.5, 8, 1)])[0]?.verdict, 'met');
  });

  it('reads BENCH_WEBHOOK_DISPATCHERS: gateway by default, both when named, and refuses anything else', () => {
    assert.deepEqual(dispatcherPlaces(undefined), ['gateway']);
    assert.deepEqual(dispatcherPlaces('gateway, worker,worker'), ['gateway', 'worker']);
    assert.deepEqual(dispatcherPlaces('worker'), ['worker']);
    for (const bad of ['', 'gateway,workers', 'gateway,', 'Worker'])
      assert.throws(() => dispatcherPlaces(bad), /BENCH_WEBHOOK_DISPATCHERS takes gateway and\/or worker, comma-separated \(got '/, `refused: '${bad}'`);
  });

  it('reads BENCH_WEBHOOK_ROUNDS: 1 by default, 0 and other digits as named, and refuses what Number would stretch', () => {
    assert.equal(webhookRounds(undefined), 1);
    assert.equal(webhookRounds('0'), 0);
    assert.equal(webhookRounds('3'), 3);
    for (const bad of ['', ' 2', '1e1', '0x2', '-1', '1.5', 'two', '1000'])
      assert.throws(() => webhookRounds(bad), /BENCH_WEBHOOK_ROUNDS must be a whole number from 0 to 999 \(got '/, `refused: '${bad}'`);
  });

  it('says not measured without both rows', () => {
    assert.equal(webhookTargets([row(200)])[0]?.verdict, 'not measured');
  });
});
