import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as BenchConfig from '../../bench/bench-config';
import type * as InTurns from '../../bench/scenarios/in-turns';
import type * as PaymentRun from '../../bench/scenarios/payment-run';
import type { LoadResult } from '../../bench/load/load-protocol';

// bench/ is its own project: its compiled output sits at bench/dist (see bench-report.spec.ts).
const BENCH_DIST = path.resolve(__dirname, '..', '..', '..', 'bench', 'dist');
const benchRequire = createRequire(__filename);
const load = (file: string): unknown => benchRequire(path.join(BENCH_DIST, file));
const { turnOrder } = load('scenarios/in-turns') as typeof InTurns;
const { combineTurns } = load('scenarios/payment-run') as typeof PaymentRun;
const { loadBenchConfig } = load('bench-config') as typeof BenchConfig;

// The arithmetic of runs measured in turns, on made-up loads: nothing here measures time.
const result = (measured: number, p99: number, extra: Partial<LoadResult> = {}): LoadResult => ({
  type: 'result',
  measured,
  measureMs: 5_000,
  unitP50: p99 / 2,
  unitP99: p99,
  requestP50: p99 / 4,
  requestP99: p99 / 2,
  requestMax: p99 * 2,
  totals: { created2xx: measured + 10, completed2xx: measured + 10, errors: 0 },
  errorSamples: [],
  ...extra,
});

describe('bench: runs measured in turns', () => {
  it('alternates the order, so each run goes first every other turn', () => {
    const runs = ['no history', '10k', '1M'];
    assert.deepEqual(
      [0, 1, 2, 3].map((t) => turnOrder(runs, t).join(' > ')),
      ['no history > 10k > 1M', '1M > 10k > no history', 'no history > 10k > 1M', '1M > 10k > no history'],
    );
  });

  it('adds up the turns: units, measured time, totals and CPU; percentiles are the median turn', () => {
    const turns = [
      { result: result(500, 60), cpuSeconds: [3, 1] },
      { result: result(700, 40, { errorSamples: ['timeout'] }), cpuSeconds: [4, 1.5] },
      { result: result(600, 50, { totals: { created2xx: 610, completed2xx: 609, errors: 1 } }), cpuSeconds: [3.5, 1] },
    ];
    const { result: r, cpuSeconds } = combineTurns(turns);
    assert.equal(r.measured, 1800);
    assert.equal(r.measureMs, 15_000);
    assert.deepEqual(r.totals, { created2xx: 1830, completed2xx: 1829, errors: 1 });
    assert.equal(r.unitP99, 50);
    assert.equal(r.requestP99, 25);
    assert.equal(r.requestMax, 120);
    assert.deepEqual(r.errorSamples, ['timeout']);
    assert.deepEqual(cpuSeconds, [10.5, 3.5]);
  });

  it('leaves one turn as it is, and says nothing of CPU a turn could not read', () => {
    const one = { result: result(100, 30), cpuSeconds: [1] };
    assert.equal(combineTurns([one]), one);
    assert.deepEqual(combineTurns([one, { result: result(100, 30), cpuSeconds: [undefined] }]).cpuSeconds, [undefined]);
    assert.throws(() => combineTurns([]), /at least one turn/);
  });

  it('takes the number of turns from BENCH_TURNS: 4 by default, 2 in quick mode, a whole number of at least 1', () => {
    assert.equal(loadBenchConfig({}).turns, 4);
    assert.equal(loadBenchConfig({ BENCH_QUICK: '1' }).turns, 2);
    assert.equal(loadBenchConfig({ BENCH_TURNS: '6' }).turns, 6);
    assert.equal(loadBenchConfig({ BENCH_TURNS: '2.7' }).turns, 2);
    assert.throws(() => loadBenchConfig({ BENCH_TURNS: '0' }), /BENCH_TURNS must be a positive number/);
  });
});
