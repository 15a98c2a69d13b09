import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as BenchConfig from '../../bench/bench-config';
import type * as InTurns from '../../bench/scenarios/in-turns';
import type * as PaymentRun from '../../bench/scenarios/payment-run';
import type { LoadResult } from '../../bench/load/load-protocol';
import type { ScenarioContext, ScenarioRow } from '../../bench/scenarios/scenario';

// bench/ is its own project: its compiled output sits at bench/dist (see bench-report.spec.ts).
const BENCH_DIST = path.resolve(__dirname, '..', '..', '..', 'bench', 'dist');
const benchRequire = createRequire(__filename);
const load = (file: string): unknown => benchRequire(path.join(BENCH_DIST, file));
const { measureInTurns, turnOrder } = load('scenarios/in-turns') as typeof InTurns;
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
      { result: result(500, 60), cpuSeconds: [3, 1], databaseCpuSeconds: 2, harnessCpuSeconds: 0.25 },
      { result: result(700, 40, { errorSamples: ['timeout'] }), cpuSeconds: [4, 1.5], databaseCpuSeconds: 3, harnessCpuSeconds: 0.5 },
      {
        result: result(600, 50, { totals: { created2xx: 610, completed2xx: 609, errors: 1 } }),
        cpuSeconds: [3.5, 1],
        databaseCpuSeconds: 2.5,
        harnessCpuSeconds: 0.25,
      },
    ];
    const { result: r, cpuSeconds, databaseCpuSeconds, harnessCpuSeconds } = combineTurns(turns);
    assert.equal(r.measured, 1800);
    assert.equal(r.measureMs, 15_000);
    assert.deepEqual(r.totals, { created2xx: 1830, completed2xx: 1829, errors: 1 });
    assert.equal(r.unitP99, 50);
    assert.equal(r.requestP99, 25);
    assert.equal(r.requestMax, 120);
    assert.deepEqual(r.errorSamples, ['timeout']);
    assert.deepEqual(cpuSeconds, [10.5, 3.5]);
    assert.equal(databaseCpuSeconds, 7.5);
    assert.equal(harnessCpuSeconds, 1);
  });

  it('leaves one turn as it is, and says nothing of CPU a turn could not read', () => {
    const one = { result: result(100, 30), cpuSeconds: [1] };
    assert.equal(combineTurns([one]), one);
    assert.deepEqual(combineTurns([one, { result: result(100, 30), cpuSeconds: [undefined] }]).cpuSeconds, [undefined]);
    assert.equal(
      combineTurns([
        { ...one, databaseCpuSeconds: 1 },
        { ...one, databaseCpuSeconds: undefined },
      ]).databaseCpuSeconds,
      undefined,
    );
    assert.throws(() => combineTurns([]), /at least one turn/);
  });

  it('takes the number of turns from BENCH_TURNS: 4 by default, 2 in quick mode, a whole number of at least 1', () => {
    assert.equal(loadBenchConfig({}).turns, 4);
    assert.equal(loadBenchConfig({ BENCH_QUICK: '1' }).turns, 2);
    assert.equal(loadBenchConfig({ BENCH_TURNS: '6' }).turns, 6);
    assert.equal(loadBenchConfig({ BENCH_TURNS: '2.7' }).turns, 2);
    assert.throws(() => loadBenchConfig({ BENCH_TURNS: '0' }), /BENCH_TURNS must be a positive number/);
  });

  describe('measureInTurns, with made-up run phases (no servers)', () => {
    const spec = (variant: string): PaymentRun.PaymentRunSpec => ({
      number: 5,
      scenario: 'growth',
      title: 'growth',
      variant,
      server: 'gateway',
      processes: 1,
      concurrency: 8,
      historyPayments: 0,
    });
    const context = (logs: string[]): ScenarioContext => ({
      config: { ...loadBenchConfig({}), turns: 2, warmupS: 10, measureS: 20 },
      rows: [],
      progress: () => () => undefined,
      log: (line) => void logs.push(line),
    });
    /** Phases that record what happened: `failing` names a variant whose second turn fails, `failsToOpen` one that opens as a failed row, `unopenable` one whose opening throws. */
    const phases = (events: string[], options: { failing?: string; unopenable?: string; failsToOpen?: string } = {}): InTurns.RunPhases => {
      const turnsSeen = new Map<string, number>();
      return {
        open: (_ctx, s) => {
          if (s.variant === options.unopenable) return Promise.reject(new Error('no database server'));
          if (s.variant === options.failsToOpen) return Promise.resolve({ ok: false, row: { ...s, status: 'failed', note: 'gateway did not start' } });
          events.push(`open ${s.variant}`);
          return Promise.resolve({
            ok: true,
            spec: s,
            label: s.variant,
            base: { number: 5, scenario: 'growth', title: 'growth', variant: s.variant },
          } as unknown as PaymentRun.OpenPaymentRun);
        },
        load: (run, warmupMs, measureMs) => {
          const n = (turnsSeen.get(run.label) ?? 0) + 1;
          turnsSeen.set(run.label, n);
          events.push(`load ${run.label} ${warmupMs}+${measureMs}`);
          if (run.label === options.failing && n === 2) return Promise.reject(new Error('load generator failed'));
          return Promise.resolve({ result: result(100, 40), cpuSeconds: [1] });
        },
        close: (_ctx, run, turns) => {
          events.push(`close ${run.label} after ${turns.length} turns`);
          return Promise.resolve({ ...run.base, status: 'measured', turns: turns.length } as ScenarioRow);
        },
        discard: (_ctx, run) => {
          events.push(`discard ${run.label}`);
          return Promise.resolve();
        },
      };
    };

    it('opens every run first, then loads them in turns A B, B A, and closes each with all its turns', async () => {
      const events: string[] = [];
      const rows = await measureInTurns(context([]), [spec('A'), spec('B')], phases(events));
      assert.deepEqual(events, [
        'open A',
        'open B',
        'load A 10000+10000',
        'load B 10000+10000',
        'load B 3000+10000',
        'load A 3000+10000',
        'close A after 2 turns',
        'close B after 2 turns',
      ]);
      assert.deepEqual(
        rows.map((r) => [r.variant, r.status, r.turns]),
        [
          ['A', 'measured', 2],
          ['B', 'measured', 2],
        ],
      );
    });

    it('drops a run whose turn fails: no more turns for it, its servers stopped, a failed row naming the error; the others go on', async () => {
      const events: string[] = [];
      const logs: string[] = [];
      const rows = await measureInTurns(context(logs), [spec('A'), spec('B')], phases(events, { failing: 'A' }));
      assert.deepEqual(events.slice(-3), ['load A 3000+10000', 'discard A', 'close B after 2 turns']);
      assert.deepEqual(
        rows.map((r) => [r.variant, r.status, r.note]),
        [
          ['A', 'failed', 'load generator failed'],
          ['B', 'measured', undefined],
        ],
      );
      assert.ok(logs.some((l) => l.includes('A: FAILED: load generator failed')));
    });

    it('keeps the row of a run that failed to open, and measures the others', async () => {
      const events: string[] = [];
      const rows = await measureInTurns(context([]), [spec('A'), spec('B')], phases(events, { failsToOpen: 'A' }));
      assert.deepEqual(
        rows.map((r) => [r.variant, r.status]),
        [
          ['A', 'failed'],
          ['B', 'measured'],
        ],
      );
      assert.equal(events.filter((e) => e.startsWith('load A')).length, 0);
    });

    it('stops the runs already opened when opening another throws, and hands the error on', async () => {
      const events: string[] = [];
      await assert.rejects(measureInTurns(context([]), [spec('A'), spec('B')], phases(events, { unopenable: 'B' })), /no database server/);
      assert.deepEqual(events, ['open A', 'discard A']);
    });
  });
});
