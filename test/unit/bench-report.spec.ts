import assert from 'node:assert/strict';
import path from 'node:path';
import type * as Percentile from '../../bench/load/percentile';
import type * as Report from '../../bench/report';
import type * as ProfileSummary from '../../bench/profile-summary';
import type { ScenarioRow } from '../../bench/scenarios/scenario';

// bench/ is its own project, not a package: its compiled output sits at bench/dist,
// which is a different number of levels up from test/unit and test/dist/unit.
const BENCH_DIST = path.resolve(__dirname, '..', '..', '..', 'bench', 'dist');
const load = <T>(file: string): T => require(path.join(BENCH_DIST, file)) as T;
const { percentile } = load<typeof Percentile>('load/percentile');
const { evaluateTargets, formatTable, headlineRatio, ratiosByConcurrency } = load<typeof Report>('report');
const { packageOf, summarise } = load<typeof ProfileSummary>('profile-summary');

// The benchmark's arithmetic and verdicts, on made-up rows: nothing here measures time.
const row = (scenario: string, number: number, extra: Partial<ScenarioRow>): ScenarioRow => ({
  number,
  scenario,
  title: scenario,
  variant: `c=${extra.concurrency ?? 8}`,
  status: 'measured',
  concurrency: 8,
  processes: 1,
  historyPayments: 0,
  errors: 0,
  correctness: { ok: true, detail: '' },
  requestP99Ms: 40,
  unitP99Ms: 70,
  ...extra,
});

describe('benchmark report (no database)', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 50), 50);
    assert.equal(percentile(sorted, 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([], 99), 0);
  });

  it('compares the best card run with the best floor run, and each level with its neighbour', () => {
    const rows = [
      row('card-payment', 1, { concurrency: 8, throughput: 270, requestP99Ms: 25 }),
      row('card-payment', 1, { concurrency: 32, throughput: 150 }),
      row('floor', 2, { concurrency: 8, throughput: 300 }),
      row('floor', 2, { concurrency: 32, throughput: 200 }),
    ];
    assert.equal(headlineRatio(rows), 0.9);
    assert.deepEqual(ratiosByConcurrency(rows), [
      { concurrency: 8, ratio: 0.9 },
      { concurrency: 32, ratio: 0.75 },
    ]);
    const verdicts = Object.fromEntries(evaluateTargets(rows).map((t) => [t.target, t.verdict]));
    assert.equal(verdicts['card payments >= 85% of the same-statement floor'], 'met');
    assert.equal(verdicts['request p99 <= 25 ms at c=8'], 'met');
  });

  it('reports a missed target as missed and unmeasured ones as not measured', () => {
    const rows = [
      row('card-payment', 1, { throughput: 100, requestP99Ms: 80 }),
      row('floor', 2, { throughput: 200 }),
      row('scale-out', 6, { throughput: 100, processes: 1 }),
      row('scale-out', 6, { throughput: 90, processes: 2 }),
    ];
    const verdicts = Object.fromEntries(evaluateTargets(rows).map((t) => [t.target, t.verdict]));
    assert.equal(verdicts['card payments >= 85% of the same-statement floor'], 'missed');
    assert.equal(verdicts['request p99 <= 25 ms at c=8'], 'missed');
    assert.equal(verdicts['loss <= 10% with 1M payments of history'], 'not measured');
    assert.equal(verdicts['two processes faster than one, never incorrect'], 'missed');
  });

  it('judges growth against its own no-history run', () => {
    const rows = [
      row('growth', 5, { throughput: 200, historyPayments: 0 }),
      row('growth', 5, { throughput: 190, historyPayments: 10_000 }),
      row('growth', 5, { throughput: 170, historyPayments: 1_000_000 }),
    ];
    const growth = evaluateTargets(rows).find((t) => t.target.startsWith('loss'));
    assert.equal(growth?.verdict, 'missed');
    assert.match(growth?.detail ?? '', /-15\.0%/);
  });

  it('shows errors and failed correctness checks loudly, and fails the zero-errors target', () => {
    const rows = [row('card-payment', 1, { throughput: 100, errors: 3, correctness: { ok: false, detail: 'x' } })];
    const table = formatTable(rows, false);
    assert.match(table, /!! 3 !!/);
    assert.match(table, /!! NO !!/);
    assert.equal(evaluateTargets(rows).find((t) => t.target.startsWith('zero errors'))?.verdict, 'missed');
  });

  it('lists a scenario whose feature is missing as not available yet', () => {
    const table = formatTable(
      [{ number: 3, scenario: 'hosted-page', title: 'hosted page', variant: '', status: 'not_available', note: 'no hosted payment page in this build' }],
      true,
    );
    assert.match(table, /not available yet \| no hosted payment page in this build/);
  });

  it('sums self time per function and per package from a CPU profile', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(idle)', '') },
        { id: 2, callFrame: frame('toSQL', 'file:///x/node_modules/knex/lib/query/querycompiler.js') },
        { id: 3, callFrame: frame('confirm', 'file:///x/core/dist/payments/payment.service.js') },
        { id: 4, callFrame: frame('writeBuffer', '') },
      ],
      samples: [1, 2, 2, 3, 4],
      timeDeltas: [5000, 1000, 2000, 500, 1500],
    };
    const s = summarise(profile);
    assert.equal(s.idleMs, 5);
    assert.equal(s.busyMs, 5);
    assert.equal(s.socketWriteMs, 1.5);
    assert.deepEqual(s.packages, [
      { name: 'knex', ms: 3 },
      { name: '(native)', ms: 1.5 },
      { name: 'tender core/payments', ms: 0.5 },
    ]);
    // --from: samples that end before 6.5 ms (the idle one, the first toSQL one) are left out.
    const later = summarise(profile, { fromMs: 6.5 });
    assert.deepEqual([later.idleMs, later.busyMs, later.socketWriteMs], [0, 4, 1.5]);
    assert.equal(packageOf('node:internal/crypto/random', 'randomFillSync'), 'node:internal/crypto');
    assert.equal(packageOf('file:///x/node_modules/@scope/pkg/index.js', 'f'), '@scope/pkg');
  });
});
