import { FLOOR_KINDS, FloorKind } from './floors/floor-kinds';
import { ScenarioRow, bestRow } from './scenarios/scenario';
import { galeraTarget, soakTarget } from './soak-report';
import { webhookTargets } from './webhook-report';

/** One of the issue's targets, evaluated on this run's rows. */
export interface TargetResult {
  readonly target: string;
  readonly verdict: 'met' | 'missed' | 'not measured';
  readonly detail: string;
}

/** card throughput / floor throughput, each at its best concurrency: the headline number (`floor` names which floor). */
export function headlineRatio(rows: readonly ScenarioRow[], floorKind: FloorKind = 'floor'): number | undefined {
  const card = bestRow(rows, 'card-payment');
  const floor = bestRow(rows, floorKind);
  if (card?.throughput === undefined || floor?.throughput === undefined || floor.throughput === 0) return undefined;
  return card.throughput / floor.throughput;
}

/** Display names of the three floors, as the report prints them. */
export const FLOOR_NAMES: Record<FloorKind, string> = {
  floor: 'same-statement floor',
  'reference-floor': 'reference floor (Dec 2026)',
  'physical-floor': 'physical floor',
};

/** The gateway against each floor that ran: best of each, and at each concurrency level both measured. */
export function floorRatios(rows: readonly ScenarioRow[]): { floor: FloorKind; best: number; byLevel: { concurrency: number; ratio: number }[] }[] {
  return FLOOR_KINDS.flatMap((floor) => {
    const best = headlineRatio(rows, floor);
    return best === undefined ? [] : [{ floor, best, byLevel: ratiosByConcurrency(rows, 'card-payment', floor) }];
  });
}

/**
 * `scenario` / `base` (default card / floor) at each concurrency level both measured:
 * adjacent runs, so the least disturbed comparison. Merchant-initiated charges use
 * it against card payments ('mit-payment', 'card-payment').
 */
export function ratiosByConcurrency(rows: readonly ScenarioRow[], scenario = 'card-payment', base = 'floor'): { concurrency: number; ratio: number }[] {
  const measured = (id: string) => rows.filter((r) => r.scenario === id && r.status === 'measured' && r.throughput !== undefined);
  const bases = measured(base);
  return measured(scenario).flatMap((row) => {
    const other = bases.find((f) => f.concurrency === row.concurrency);
    return other?.throughput === undefined || other.throughput === 0 || row.concurrency === undefined
      ? []
      : [{ concurrency: row.concurrency, ratio: (row.throughput ?? 0) / other.throughput }];
  });
}

/** The issue's targets. The floor is never adjusted: a missed target is reported as missed. */
export function evaluateTargets(rows: readonly ScenarioRow[]): TargetResult[] {
  const card = bestRow(rows, 'card-payment');
  const floor = bestRow(rows, 'floor');
  const ratio = headlineRatio(rows);
  const results: TargetResult[] = [];
  results.push(
    ratio === undefined || card === undefined || floor === undefined
      ? { target: 'card payments >= 85% of the same-statement floor', verdict: 'not measured', detail: 'scenario 1 or 2 did not run' }
      : {
          target: 'card payments >= 85% of the same-statement floor',
          verdict: ratio >= 0.85 ? 'met' : 'missed',
          detail: `${pct(ratio)} (${num(card.throughput)} vs ${num(floor.throughput)} payments/s, best of each)`,
        },
  );
  const reference = bestRow(rows, 'reference-floor');
  const referenceRatio = headlineRatio(rows, 'reference-floor');
  results.push(
    referenceRatio === undefined || card === undefined || reference === undefined
      ? { target: 'card payments >= 100% of the reference floor (Dec 2026)', verdict: 'not measured', detail: 'scenario 1 or 9 did not run' }
      : {
          target: 'card payments >= 100% of the reference floor (Dec 2026)',
          verdict: referenceRatio >= 1 ? 'met' : 'missed',
          detail: `${pct(referenceRatio)} (${num(card.throughput)} vs ${num(reference.throughput)} payments/s, best of each)`,
        },
  );
  const atEight = rows.find((r) => r.scenario === 'card-payment' && r.status === 'measured' && r.concurrency === 8 && r.requestP99Ms !== undefined);
  results.push(
    atEight?.requestP99Ms === undefined
      ? { target: 'request p99 <= 25 ms at c=8', verdict: 'not measured', detail: 'scenario 1 did not run at c=8' }
      : {
          target: 'request p99 <= 25 ms at c=8',
          verdict: atEight.requestP99Ms <= 25 ? 'met' : 'missed',
          detail: `request p99 ${ms(atEight.requestP99Ms)} at c=8 (a whole payment, create + confirm: p99 ${ms(atEight.unitP99Ms)}; ${num(atEight.throughput)} payments/s)`,
        },
  );
  const growthRows = rows.filter((r) => r.scenario === 'growth' && r.status === 'measured');
  const growth1M = growthRows.find((r) => r.historyPayments === 1_000_000);
  const growth10k = growthRows.find((r) => r.historyPayments === 10_000);
  const baseline = growthRows.find((r) => r.historyPayments === 0);
  const loss = (r: ScenarioRow | undefined): number | undefined =>
    r?.throughput === undefined || baseline?.throughput === undefined ? undefined : 1 - r.throughput / baseline.throughput;
  const l1M = loss(growth1M);
  const l10k = loss(growth10k);
  const tenK = l10k === undefined ? '' : `; with 10k: ${signedPct(-l10k)}`;
  results.push(
    l1M === undefined
      ? { target: 'loss <= 10% with 1M payments of history', verdict: 'not measured', detail: `1M history not run (BENCH_HISTORY_1M=1)${tenK}` }
      : {
          target: 'loss <= 10% with 1M payments of history',
          verdict: l1M <= 0.1 ? 'met' : 'missed',
          detail: `${signedPct(-l1M)} vs no history${inTurns(growth1M)}${tenK}`,
        },
  );
  const scale = rows.find((r) => r.scenario === 'scale-out' && r.status === 'measured' && r.processes === 2);
  const scaleBase = rows.find((r) => r.scenario === 'scale-out' && r.status === 'measured' && r.processes === 1);
  results.push(
    scale?.throughput === undefined || scaleBase?.throughput === undefined
      ? { target: 'two processes faster than one, never incorrect', verdict: 'not measured', detail: 'scenario 6 did not run' }
      : {
          target: 'two processes faster than one, never incorrect',
          verdict: scale.throughput > scaleBase.throughput && scale.correctness?.ok === true && scale.errors === 0 ? 'met' : 'missed',
          detail: `${num(scale.throughput)} vs ${num(scaleBase.throughput)} payments/s with one process${inTurns(scale)} (${signedPct(scale.throughput / scaleBase.throughput - 1)}); ${scale.correctness?.ok === true ? 'correct' : 'INCORRECT'}`,
        },
  );
  results.push(galeraTarget(rows), soakTarget(rows), ...webhookTargets(rows));
  const measured = rows.filter((r) => r.status === 'measured');
  const bad = measured.filter((r) => r.errors !== 0 || r.correctness?.ok !== true);
  results.push({
    target: 'zero errors; every payment captured and counted',
    verdict: measured.length === 0 ? 'not measured' : bad.length === 0 ? 'met' : 'missed',
    detail: bad.length === 0 ? `${measured.length} runs checked` : `problems in: ${bad.map((r) => `${r.scenario} ${r.variant}`).join(', ')}`,
  });
  return results;
}

/** The results table, as fixed-width text for the terminal and a Markdown table for the docs. */
export function formatTable(rows: readonly ScenarioRow[], markdown: boolean): string {
  const header = ['#', 'scenario', 'variant', 'units/s', 'unit p50', 'unit p99', 'request p99', 'errors', 'peak RSS MiB', 'correct', 'load avg'];
  const body = rows.map((r) =>
    r.status === 'measured'
      ? [
          String(r.number),
          r.title,
          r.variant,
          // A unit is a payment (create + confirm) unless the row says otherwise (a page view, an echo).
          r.unit === undefined || r.unit === 'payment' ? num(r.throughput) : `${num(r.throughput)} ${r.unit}s`,
          ms(r.unitP50Ms),
          ms(r.unitP99Ms),
          ms(r.requestP99Ms),
          r.errors === 0 ? '0' : `!! ${r.errors} !!`,
          (r.peakRssMiB ?? []).join(' + '),
          r.correctness?.ok === true ? 'yes' : '!! NO !!',
          r.loadAvg1m === undefined ? '' : r.loadAvg1m.toFixed(2),
        ]
      : [
          String(r.number),
          r.title,
          r.variant,
          r.status === 'failed' ? '!! FAILED !!' : r.status === 'skipped' ? 'skipped' : 'not available yet',
          r.note ?? '',
          '',
          '',
          '',
          '',
          '',
          '',
        ],
  );
  if (markdown) {
    const line = (cells: string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
  }
  const measuredBody = body.filter((_b, i) => rows[i]?.status === 'measured');
  const widths = header.map((h, i) => Math.max(h.length, ...(i < 3 ? body : measuredBody).map((b) => (b[i] ?? '').length)));
  const fmt = (cells: string[], measured: boolean): string =>
    (measured ? cells : [...cells.slice(0, 3), `${cells[3] ?? ''}: ${cells[4] ?? ''}`])
      .map((c, i) => (!measured && i === 3 ? c : i >= 3 && i !== 9 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(header, true), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map((b, i) => fmt(b, rows[i]?.status === 'measured'))].join('\n');
}

function num(v: number | undefined): string {
  return v === undefined ? '' : v.toFixed(0);
}
function ms(v: number | undefined): string {
  return v === undefined ? '' : `${v.toFixed(1)} ms`;
}
function pct(v: number): string {
  return `${(v * 100).toFixed(0)}%`;
}
function signedPct(v: number): string {
  return `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;
}

/** How a compared row was measured against its baseline: in turns (in-turns.ts), or just after it. */
function inTurns(row: ScenarioRow | undefined): string {
  return row?.turns === undefined ? ', run just before' : `, ${row.turns} turns each`;
}
