import { ScenarioRow } from './scenarios/scenario';

type Verdict = 'met' | 'missed' | 'not measured';

/**
 * Payments completed in each whole minute of the measured window, from the load
 * generator's progress samples (`measured` is the running count inside the window).
 * A minute's count is the running count at its end minus the one at its start, each
 * taken from the last sample at or before that moment; a minute the samples do not
 * reach is left out.
 *
 * @example
 * ```ts
 * perMinuteCounts([{ elapsedMs: 10_000, measured: 0 }, { elapsedMs: 70_000, measured: 600 }], 10_000, 60_000); // [600]
 * ```
 */
export function perMinuteCounts(
  samples: ReadonlyArray<{ readonly elapsedMs: number; readonly measured: number }>,
  warmupMs: number,
  measureMs: number,
): number[] {
  return perMinute(samples, warmupMs, measureMs, (s) => s.measured);
}

/**
 * The gateway's CPU milliseconds per payment in each whole minute of the measured
 * window (`cpuS`: its CPU seconds at each sample). Unlike payments per minute it does
 * not move with the neighbours' load much, so it shows whether a payment costs more
 * as the run goes on. 0 for a minute without payments.
 */
export function cpuMsPerPaymentPerMinute(
  samples: ReadonlyArray<{ readonly elapsedMs: number; readonly measured: number; readonly cpuS: number }>,
  warmupMs: number,
  measureMs: number,
): number[] {
  const payments = perMinute(samples, warmupMs, measureMs, (s) => s.measured);
  const cpu = perMinute(samples, warmupMs, measureMs, (s) => s.cpuS);
  return payments.map((n, i) => (n === 0 ? 0 : Math.round(((cpu[i] ?? 0) * 1000 * 100) / n) / 100));
}

/** A running value's increase over each whole minute, each end read from the last sample at or before it. */
function perMinute<S extends { readonly elapsedMs: number }>(samples: readonly S[], warmupMs: number, measureMs: number, value: (s: S) => number): number[] {
  const at = (t: number): number | undefined => {
    let found: number | undefined;
    for (const s of samples) if (s.elapsedMs <= t + 500) found = value(s);
    return found;
  };
  const last = samples.reduce((m, s) => Math.max(m, s.elapsedMs), 0);
  // The measured count starts at 0 with the window; other values (CPU) start where the warm-up left them.
  const start = at(warmupMs) ?? 0;
  const minutes = Math.floor(measureMs / 60_000);
  const deltas: number[] = [];
  for (let i = 0; i < minutes; i++) {
    const end = warmupMs + (i + 1) * 60_000;
    if (last + 500 < end) break;
    deltas.push((at(end) ?? 0) - (i === 0 ? start : (at(end - 60_000) ?? 0)));
  }
  return deltas;
}

/** last minute / first minute - 1; undefined with fewer than two minutes or an empty first one. */
export function lastVsFirst(perMinute: readonly number[]): number | undefined {
  const first = perMinute[0];
  const last = perMinute[perMinute.length - 1];
  if (perMinute.length < 2 || first === undefined || last === undefined || first === 0) return undefined;
  return last / first - 1;
}

/** Issue 24 item 6: a soak of at least 10 minutes whose last minute is within 10 % of its first (either way). */
export function soakTarget(rows: readonly ScenarioRow[]): { target: string; verdict: Verdict; detail: string } {
  const target = 'soak >= 10 min at c=8: last minute within 10% of the first';
  const soak = rows.find((r) => r.scenario === 'soak' && r.status === 'measured' && r.soak !== undefined);
  const change = soak?.soak === undefined ? undefined : soak.soak.lastVsFirst;
  if (soak?.soak === undefined || change === undefined) return { target, verdict: 'not measured', detail: 'scenario 11 did not run (BENCH_SOAK=1)' };
  const minutes = soak.soak.perMinute.length;
  const rss = soak.soak.rssMiB;
  const rssText = rss.length === 0 ? '' : `; RSS ${rss[0]?.mib ?? '?'} -> ${rss[rss.length - 1]?.mib ?? '?'} MiB (max ${Math.max(...rss.map((r) => r.mib))})`;
  const cpu = soak.soak.cpuMsPerPayment ?? [];
  const cpuText = cpu.length < 2 ? '' : `; gateway CPU per payment ${cpu[0]} -> ${cpu[cpu.length - 1]} ms (${cpu.join(', ')})`;
  const long = minutes >= 10;
  return {
    target,
    verdict: long && Math.abs(change) <= 0.1 && soak.errors === 0 && soak.correctness?.ok === true ? 'met' : 'missed',
    detail: `${minutes} min; per minute ${soak.soak.perMinute.join(', ')}; last vs first ${signedPct(change)}${cpuText}${rssText}${long ? '' : ' (shorter than 10 minutes)'}`,
  };
}

/**
 * The Galera scenario: payments/s of two gateways on two nodes of a three-node
 * cluster against one gateway on one node of the same cluster, run just before
 * (the cost of going multi-primary), and against one gateway on the standalone server.
 */
export function galeraComparison(rows: readonly ScenarioRow[]): {
  one?: ScenarioRow;
  two?: ScenarioRow;
  standalone?: ScenarioRow;
  twoVsOne?: number;
  oneVsStandalone?: number;
} {
  const measured = rows.filter((r) => r.scenario === 'galera' && r.status === 'measured' && r.throughput !== undefined && r.throughput > 0);
  const one = measured.find((r) => r.clusterNodes === 1);
  const two = measured.find((r) => r.clusterNodes === 2);
  const standalone = measured.find((r) => r.clusterNodes === undefined);
  const ratio = (a: ScenarioRow | undefined, b: ScenarioRow | undefined): number | undefined =>
    a?.throughput === undefined || b?.throughput === undefined ? undefined : a.throughput / b.throughput;
  return { one, two, standalone, twoVsOne: ratio(two, one), oneVsStandalone: ratio(one, standalone) };
}

/** Reported, not judged against a number (the issue sets none): met when both cluster runs are measured, correct and error-free. */
export function galeraTarget(rows: readonly ScenarioRow[]): { target: string; verdict: Verdict; detail: string } {
  const target = 'Galera: 2 gateways on 2 nodes, correct; cost vs one node reported';
  const g = galeraComparison(rows);
  if (g.one === undefined || g.two === undefined || g.twoVsOne === undefined)
    return { target, verdict: 'not measured', detail: 'scenario 12 did not run (needs test/galera/cluster.sh and galera-4)' };
  const clean = [g.one, g.two].every((r) => r.errors === 0 && r.correctness?.ok === true);
  const standalone =
    g.oneVsStandalone === undefined || g.standalone === undefined
      ? ''
      : `; one cluster node vs the standalone server ${num(g.one.throughput)} vs ${num(g.standalone.throughput)} (${signedPct(g.oneVsStandalone - 1)})`;
  return {
    target,
    verdict: clean ? 'met' : 'missed',
    detail: `2 gateways on 2 nodes ${num(g.two.throughput)} vs 1 gateway on 1 node ${num(g.one.throughput)} payments/s (${signedPct(g.twoVsOne - 1)}); request p99 ${num(g.two.requestP99Ms)} vs ${num(g.one.requestP99Ms)} ms${standalone}${clean ? '' : '; ERRORS or INCORRECT'}`,
  };
}

function num(v: number | undefined): string {
  return v === undefined ? '?' : v.toFixed(0);
}
function signedPct(v: number): string {
  return `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;
}
