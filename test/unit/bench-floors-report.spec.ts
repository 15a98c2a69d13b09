import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Report from '../../bench/report';
import type * as SoakReport from '../../bench/soak-report';
import type * as Plan from '../../bench/floors/statement-plan';
import type { ScenarioRow } from '../../bench/scenarios/scenario';

// bench/ is its own project, not a package: its compiled output sits at bench/dist
// (see bench-report.spec.ts). The fixed floors' statement lists are data in bench/floors/.
const BENCH = path.resolve(__dirname, '..', '..', '..', 'bench');
const benchRequire = createRequire(__filename);
const load = (file: string): unknown => benchRequire(path.join(BENCH, 'dist', file));
const { evaluateTargets, floorRatios } = load('report') as typeof Report;
const { cpuMsPerPaymentPerMinute, galeraComparison, galeraTarget, lastVsFirst, perMinuteCounts, soakTarget } = load('soak-report') as typeof SoakReport;
const { newScope, planCounts, resolve } = load('floors/statement-plan') as typeof Plan;
const readPlan = (file: string): Plan.StatementPlan => JSON.parse(fs.readFileSync(path.join(BENCH, 'floors', file), 'utf8')) as Plan.StatementPlan;

// Issue 24 item 6's report arithmetic on made-up rows: nothing here measures time.
const row = (scenario: string, extra: Partial<ScenarioRow>): ScenarioRow => ({
  number: 1,
  scenario,
  title: scenario,
  variant: 'x',
  status: 'measured',
  concurrency: 8,
  processes: 1,
  errors: 0,
  correctness: { ok: true, detail: '' },
  requestP99Ms: 20,
  ...extra,
});
const verdictOf = (rows: ScenarioRow[], start: string): string | undefined => evaluateTargets(rows).find((t) => t.target.startsWith(start))?.verdict;

describe('benchmark report: three floors, the soak and Galera (no database)', () => {
  it('compares the gateway with each floor that ran, best of each and level by level', () => {
    const rows = [
      row('card-payment', { concurrency: 8, throughput: 200 }),
      row('card-payment', { concurrency: 32, throughput: 180 }),
      row('floor', { concurrency: 8, throughput: 250 }),
      row('reference-floor', { concurrency: 8, throughput: 200 }),
      row('reference-floor', { concurrency: 32, throughput: 160 }),
      row('physical-floor', { concurrency: 8, throughput: 400 }),
    ];
    const byFloor = Object.fromEntries(floorRatios(rows).map((f) => [f.floor, f]));
    assert.equal(byFloor.floor?.best, 0.8);
    assert.equal(byFloor['reference-floor']?.best, 1);
    assert.deepEqual(byFloor['reference-floor']?.byLevel, [
      { concurrency: 8, ratio: 1 },
      { concurrency: 32, ratio: 1.125 },
    ]);
    assert.equal(byFloor['physical-floor']?.best, 0.5);
    assert.equal(floorRatios([row('card-payment', { throughput: 1 })]).length, 0);
  });

  it('judges 85 % of the same-statement floor, 100 % of the reference floor and p99 <= 25 ms at c=8', () => {
    const rows = [
      row('card-payment', { concurrency: 8, throughput: 200, requestP99Ms: 25.5 }),
      row('card-payment', { concurrency: 32, throughput: 210, requestP99Ms: 10 }),
      row('floor', { throughput: 240 }),
      row('reference-floor', { throughput: 211 }),
    ];
    assert.equal(verdictOf(rows, 'card payments >= 85%'), 'met'); // 210 / 240 = 87.5 %
    assert.equal(verdictOf(rows, 'card payments >= 100%'), 'missed'); // 210 / 211
    // Judged at c=8 whatever the best level: 25.5 ms there, though c=32 had 10 ms.
    assert.equal(verdictOf(rows, 'request p99 <= 25 ms'), 'missed');
    assert.equal(verdictOf([row('card-payment', { concurrency: 32, throughput: 1 })], 'request p99 <= 25 ms'), 'not measured');
    assert.equal(verdictOf([row('card-payment', { throughput: 1 })], 'card payments >= 100%'), 'not measured');
  });

  it('counts payments per whole minute of the measured window from running counts', () => {
    // 10 s warm-up, 3 minutes measured, a sample every 30 s (the load sends one a second).
    const samples = [0, 10, 40, 70, 100, 130, 160, 190, 195].map((s, i) => ({
      elapsedMs: s * 1000,
      measured: [0, 0, 290, 600, 880, 1150, 1420, 1700, 1700][i] ?? 0,
    }));
    assert.deepEqual(perMinuteCounts(samples, 10_000, 180_000), [600, 550, 550]);
    // A minute the samples never reached is left out, not counted as zero.
    assert.deepEqual(perMinuteCounts(samples.slice(0, 5), 10_000, 180_000), [600]);
    assert.equal(lastVsFirst([600, 550, 450]), -0.25);
    // CPU per payment per minute: the CPU spent in the warm-up (2 s here) is not the first minute's.
    const withCpu = samples.map((x, i) => ({ ...x, cpuS: [0, 2, 5, 8, 11, 14, 17, 22.5, 22.5][i] ?? 0 }));
    assert.deepEqual(cpuMsPerPaymentPerMinute(withCpu, 10_000, 180_000), [10, 10.91, 15.45]);
    assert.equal(lastVsFirst([600]), undefined);
    assert.equal(lastVsFirst([0, 5]), undefined);
  });

  it('meets the soak target only for 10 minutes or more with the last minute within 10 % of the first, either way', () => {
    const soak = (perMinute: number[], extra: Partial<ScenarioRow> = {}): ScenarioRow[] => [
      row('soak', {
        soak: {
          perMinute,
          lastVsFirst: lastVsFirst(perMinute),
          rssMiB: [
            { s: 0, mib: 120 },
            { s: 600, mib: 200 },
          ],
        },
        ...extra,
      }),
    ];
    const ten = (first: number, last: number): number[] => [first, 100, 100, 100, 100, 100, 100, 100, 100, last];
    assert.equal(soakTarget(soak(ten(100, 91))).verdict, 'met');
    assert.equal(soakTarget(soak(ten(100, 89))).verdict, 'missed');
    assert.equal(soakTarget(soak(ten(100, 111))).verdict, 'missed');
    assert.equal(soakTarget(soak([100, 100])).verdict, 'missed');
    assert.match(soakTarget(soak([100, 100])).detail, /shorter than 10 minutes/);
    assert.equal(soakTarget(soak(ten(100, 100), { errors: 1 })).verdict, 'missed');
    assert.match(soakTarget(soak(ten(100, 95))).detail, /-5\.0%; RSS 120 -> 200 MiB \(max 200\)/);
    const costly = soak(ten(100, 95));
    const withCost = [{ ...costly[0], soak: { ...(costly[0]?.soak as NonNullable<ScenarioRow['soak']>), cpuMsPerPayment: [6, 6.5, 9] } } as ScenarioRow];
    assert.match(soakTarget(withCost).detail, /gateway CPU per payment 6 -> 9 ms \(6, 6\.5, 9\)/);
    assert.equal(soakTarget([row('soak', { status: 'skipped' })]).verdict, 'not measured');
  });

  it('reports what two gateways on two Galera nodes cost against one gateway on one node', () => {
    const rows = [
      row('galera', { throughput: 200 }),
      row('galera', { throughput: 150, clusterNodes: 1 }),
      row('galera', { throughput: 120, clusterNodes: 2, processes: 2 }),
    ];
    const g = galeraComparison(rows);
    assert.equal(g.twoVsOne, 0.8);
    assert.equal(g.oneVsStandalone, 0.75);
    const target = galeraTarget(rows);
    assert.equal(target.verdict, 'met');
    assert.match(target.detail, /120 vs 1 gateway on 1 node 150 payments\/s \(-20\.0%\)/);
    assert.equal(galeraTarget([rows[0], rows[1]]).verdict, 'not measured');
    assert.equal(galeraTarget([rows[1], row('galera', { throughput: 1, clusterNodes: 2, correctness: { ok: false, detail: '' } })]).verdict, 'missed');
  });
});

describe('the fixed floors (bench/floors/*.json)', () => {
  it('keep the reference floor at the 27 statements of Dec 2026 and the physical floor at its minimum', () => {
    assert.deepEqual(planCounts(readPlan('reference-dec-2026.json')), { statements: 27, selects: 14, commits: 2 });
    assert.deepEqual(planCounts(readPlan('physical.json')), { statements: 7, selects: 3, commits: 2 });
  });

  it('hold the reference floor to the statements the gateway sent on 5 Dec 2026, statement for statement', () => {
    // Each statement as verb + table: the captured `npm run bench:statements` output against the JSON.
    const shape = (sql: string): string => {
      const verb = (/^\s*(select|insert ignore|insert|update|delete)/i.exec(sql)?.[1] ?? '?').toLowerCase();
      const table = /\b(?:from|into|update)\s+`?(\w+)`?/i.exec(sql)?.[1] ?? '?';
      return `${verb} ${table}`;
    };
    const captured = fs
      .readFileSync(path.join(BENCH, 'floors', 'reference-dec-2026.statements.txt'), 'utf8')
      .split('\n')
      .filter((l) => /^(auto|tx\d+)\t/.test(l) && !/\t(BEGIN|COMMIT|ROLLBACK);?$/i.test(l))
      .map((l) => shape(l.split('\t')[1] ?? ''));
    const plan = readPlan('reference-dec-2026.json');
    const replayed = [plan.create, plan.confirm].flatMap((r) => r.steps.flatMap((st) => st.statements.map((x) => shape(x.sql))));
    assert.equal(captured.length, 27);
    assert.equal(captured.filter((c) => c === 'select risk_assessments').length, 3);
    // Same statements; the floor of that day wrote the card before the bank operation, the gateway after.
    assert.deepEqual([...replayed].sort(), [...captured].sort());
  });

  it('resolves references per request: ids kept or fresh, rows, arithmetic, JSON and spreads', () => {
    const scope = newScope('h', { amount: 150000, payment_method: { card: { number: '4242424242424242' } } }, 'pay_1', 1_000_000);
    scope.rows.set('payment', { version: 3, currency: 'RUB' });
    const [op1, op2, evt1, evt2] = resolve(['$id:op', '$id:op', '$new:evt', '$new:evt'], scope) as string[];
    assert.equal(op1, op2);
    assert.notEqual(evt1, evt2);
    assert.match(evt1 ?? '', /^evt_/);
    assert.deepEqual(
      resolve(
        ['$now-3600', '$payment.version+1', '$payment.version', '$body.amount', '$body.missing', '$pan.bin', '$pan.last4', '$routeId', 7, null, 'literal'],
        scope,
      ),
      [996_400, 4, 3, 150000, null, '424242', '4242', 'pay_1', 7, null, 'literal'],
    );
    assert.equal(
      resolve({ $json: { object: { '...': '$payment', status: 'captured' } } }, scope),
      '{"object":{"version":3,"currency":"RUB","status":"captured"}}',
    );
    assert.throws(() => resolve('$nothing.here', scope), /no row kept as 'nothing'/);
  });
});
