import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBenchConfig } from './bench-config';
import { GATEWAY_MAIN, REPO_ROOT, withConnection } from './bench-database';
import { LoadProgress } from './load/load-protocol';
import { FLOOR_NAMES, evaluateTargets, floorRatios, formatTable, headlineRatio, ratiosByConcurrency } from './report';
import { SCENARIOS } from './scenarios';
import { webhookSummary } from './webhook-report';
import { BenchRun, BenchScenario, ScenarioContext, ScenarioRow } from './scenarios/scenario';

/**
 * `npm run bench`: runs every scenario in bench/scenarios/index.ts against servers
 * it starts itself on loopback, prints the table and the issue's targets, and
 * writes the results as JSON to bench/results/. docs/performance.md explains it.
 */
async function main(): Promise<number> {
  const config = loadBenchConfig();
  if (!fs.existsSync(GATEWAY_MAIN)) throw new Error(`${GATEWAY_MAIN} is missing: run npm run build first`);
  const mariadb = await withConnection(config.mysqlUrl, async (c) => ((await c.query('SELECT VERSION() AS v'))[0] as { v: string }[])[0]?.v ?? '?').catch(
    (error: unknown) => {
      throw new Error(`MariaDB/MySQL is not reachable at ${config.mysqlUrl} (${error instanceof Error ? error.message : String(error)}); set BENCH_MYSQL_URL`);
    },
  );
  const startedAt = new Date();
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '?',
    totalMemMiB: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    mariadb,
    loadAvgAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
  const say = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  say(
    `Tender benchmark: ${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}, MariaDB ${mariadb}, load average ${machine.loadAvgAtStart.join(' ')}`,
  );
  say(
    `per run: ${config.warmupS} s warm-up (not measured) + ${config.measureS} s measured; concurrency ${config.concurrency.join(', ')}${config.quick ? ' (quick mode)' : ''}`,
  );

  const rows: ScenarioRow[] = [];
  const ctx: ScenarioContext = { config, rows, progress: progressDisplay, log: say };
  const selected = SCENARIOS.filter((s) => config.only.length === 0 || config.only.includes(s.id));
  for (let i = 0; i < selected.length;) {
    // Neighbouring scenarios that interleave take turns, one run each (see BenchScenario.interleave).
    const first = selected[i];
    let end = i + 1;
    while (first.interleave === true && end < selected.length && selected[end]?.interleave === true) end++;
    const group = selected.slice(i, end);
    i = end;
    const planned: { scenario: BenchScenario; runs: BenchRun[] }[] = [];
    for (const scenario of group) {
      const reason = scenario.unavailable();
      if (reason === undefined) {
        planned.push({ scenario, runs: scenario.plan(ctx) });
        continue;
      }
      say(`[${scenario.number}] ${scenario.title}: not available yet: ${reason}`);
      rows.push({ number: scenario.number, scenario: scenario.id, title: scenario.title, variant: '', status: 'not_available', note: reason });
    }
    const turns = Math.max(0, ...planned.map((p) => p.runs.length));
    for (let turn = 0; turn < turns; turn++) {
      for (const { scenario, runs } of planned) {
        const run = runs[turn];
        if (run === undefined) continue;
        say(`[${scenario.number}] ${scenario.title}, ${run.variant}`);
        const row = await run.measure();
        rows.push(row);
        say(summary(row));
      }
    }
  }
  rows.sort((a, b) => a.number - b.number);

  const ratio = headlineRatio(rows);
  const targets = evaluateTargets(rows);
  const out = process.stdout;
  out.write(`\n${formatTable(rows, false)}\n\n`);
  const byLevel = ratiosByConcurrency(rows);
  out.write(`HEADLINE  card payment / floor = ${ratio === undefined ? 'not measured' : `${(ratio * 100).toFixed(0)}% (best of each)`}`);
  out.write(byLevel.length === 0 ? '\n\n' : `; at each concurrency: ${byLevel.map((l) => `c=${l.concurrency} ${(l.ratio * 100).toFixed(0)}%`).join(', ')}\n\n`);
  const floors = floorRatios(rows);
  if (floors.length > 0) {
    out.write('card payment against each floor (best of each; at each concurrency, runs taken in turn):\n');
    for (const f of floors)
      out.write(
        `  / ${FLOOR_NAMES[f.floor].padEnd(27)} ${(f.best * 100).toFixed(0).padStart(4)}%   ${f.byLevel.map((l) => `c=${l.concurrency} ${(l.ratio * 100).toFixed(0)}%`).join(', ')}\n`,
      );
    out.write('\n');
  }
  const mitByLevel = ratiosByConcurrency(rows, 'mit-payment', 'card-payment');
  if (mitByLevel.length > 0)
    out.write(
      `merchant-initiated (saved card, 1 request) / card payment (create + confirm): ${mitByLevel.map((l) => `c=${l.concurrency} ${(l.ratio * 100).toFixed(0)}%`).join(', ')}\n\n`,
    );
  for (const t of targets) out.write(`  [${t.verdict === 'met' ? ' met  ' : t.verdict === 'missed' ? 'MISSED' : '  --  '}] ${t.target}: ${t.detail}\n`);
  for (const r of rows.filter((x) => (x.errors ?? 0) > 0 || x.correctness?.ok === false)) {
    out.write(
      `\n!! ${r.scenario} ${r.variant}: ${r.errors ?? 0} errors; ${r.correctness?.detail ?? ''}\n${(r.errorSamples ?? []).map((e) => `   ${e}`).join('\n')}\n`,
    );
  }

  const finishedAt = new Date();
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    machine: { ...machine, loadAvgAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100) },
    config,
    headlineRatio: ratio,
    ratiosByConcurrency: byLevel,
    floorRatios: floors,
    mitToCardByConcurrency: mitByLevel,
    targets,
    rows,
  };
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  out.write(`\nresults: ${path.relative(process.cwd(), file)}\n`);
  // Only a full, unprofiled run with the gateway's own runtime settings replaces the committed latest.json.
  if (!config.quick && config.only.length === 0 && config.profileDir === undefined && config.gatewayNodeArgs.length === 0) {
    fs.copyFileSync(file, path.join(dir, 'latest.json'));
    out.write(`         ${path.relative(process.cwd(), path.join(dir, 'latest.json'))}\n`);
  }
  const broken = rows.some((r) => r.status === 'failed' || (r.status === 'measured' && (r.errors !== 0 || r.correctness?.ok !== true)));
  return broken ? 1 : 0;
}

function summary(r: ScenarioRow): string {
  if (r.status !== 'measured') return `  ${r.status}${r.note === undefined ? '' : ` (${r.note})`}`;
  const errors = r.errors === 0 ? 'errors 0' : `!! ERRORS ${r.errors} !!`;
  const webhooks = r.webhooks === undefined ? '' : `\n  webhooks: ${webhookSummary(r.webhooks)}`;
  return `  ${(r.throughput ?? 0).toFixed(0)} ${r.unit ?? 'payment'}s/s, ${r.unit ?? 'payment'} p50 ${(r.unitP50Ms ?? 0).toFixed(1)} ms p99 ${(r.unitP99Ms ?? 0).toFixed(1)} ms, request p99 ${(r.requestP99Ms ?? 0).toFixed(1)} ms, ${errors}, peak RSS ${(r.peakRssMiB ?? []).join('+')} MiB, CPU ${(r.cpuMsPerUnit ?? []).join('+')} ms/${r.unit ?? 'payment'}${r.databaseCpuMsPerUnit === undefined ? '' : ` (database nodes ${r.databaseCpuMsPerUnit.join('+')})`}${r.databaseServerCpuMsPerUnit === undefined ? '' : `, MariaDB ${r.databaseServerCpuMsPerUnit}`}${r.harnessCpuMsPerUnit === undefined ? '' : `, bench process ${r.harnessCpuMsPerUnit}`}, ${r.correctness?.ok === true ? 'correct' : `!! INCORRECT: ${r.correctness?.detail ?? ''}`}${webhooks}`;
}

/** One updating status line on a terminal; a line every 5 s otherwise (CI logs). */
function progressDisplay(label: string): (p: LoadProgress) => void {
  const tty = process.stderr.isTTY;
  let lastPrinted = -Infinity;
  return (p) => {
    const text = `  ${label}  ${p.phase.padEnd(7)} ${(p.elapsedMs / 1000).toFixed(0).padStart(3)}/${(p.totalMs / 1000).toFixed(0)} s  ${String(p.rate).padStart(5)}/s  measured ${p.measured}  errors ${p.errors}`;
    if (tty) {
      process.stderr.write(`\r${text.padEnd(100)}${p.phase === 'drain' ? '\n' : ''}`);
    } else if (p.elapsedMs - lastPrinted >= 5000) {
      lastPrinted = p.elapsedMs;
      process.stderr.write(`${text}\n`);
    }
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
