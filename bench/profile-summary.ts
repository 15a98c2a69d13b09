import fs from 'node:fs';
import path from 'node:path';

/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and
 * per package, so docs/performance.md can say where a gateway's time goes.
 *
 * @example
 * ```sh
 * node bench/dist/profile-summary.js bench/results/profiles/gateway1-*.cpuprofile 25
 * # leave out the first 8 s (start-up, migrations, JIT warm-up):
 * node bench/dist/profile-summary.js bench/results/profiles/gateway1-*.cpuprofile 25 --from=8
 * ```
 */
interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  readonly where: string;
  readonly ms: number;
}

/**
 * The native calls that write to a socket (a statement to MariaDB, a response to the
 * client). The profiler samples wall time, so on a busy machine these also hold the
 * time the process sat preempted after waking the reader: reported apart, since the
 * floors pay the same per statement and no JavaScript change shortens them.
 */
const SOCKET_WRITES = new Set(['writeBuffer', 'writev', 'writeUtf8String', 'writeLatin1String']);

/**
 * Self time (ms) per function and per package; idle time and socket writes are
 * reported apart. `fromMs` leaves out the samples of the profile's first
 * milliseconds (start-up and warm-up), so the figures are the steady state.
 */
export function summarise(
  profile: CpuProfile,
  options: { fromMs?: number } = {},
): { busyMs: number; idleMs: number; socketWriteMs: number; functions: SelfTime[]; packages: { name: string; ms: number }[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const fromUs = (options.fromMs ?? 0) * 1000;
  let elapsedUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    elapsedUs += us;
    if (elapsedUs >= fromUs) selfUs.set(id, (selfUs.get(id) ?? 0) + us);
  });
  const functions = new Map<string, SelfTime>();
  const packages = new Map<string, number>();
  let idleMs = 0;
  let busyMs = 0;
  let socketWriteMs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const ms = us / 1000;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    if (frame.url === '' && SOCKET_WRITES.has(frame.functionName)) socketWriteMs += ms;
    const where = frame.url === '' ? '' : `${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName}@${where}`;
    const prev = functions.get(key);
    functions.set(key, { name: frame.functionName === '' ? '(anonymous)' : frame.functionName, where, ms: (prev?.ms ?? 0) + ms });
    const pkg = packageOf(frame.url, frame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
  }
  return {
    busyMs,
    idleMs,
    socketWriteMs,
    functions: [...functions.values()].sort((a, b) => b.ms - a.ms),
    packages: [...packages.entries()].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms),
  };
}

/** Which package (or Tender folder, or Node internals) a script URL belongs to. */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return (parts[0] ?? '').startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? '?');
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`;
  const core = /\/core\/dist\/([^/]+)/.exec(url);
  if (core !== null) return `tender core/${(core[1] ?? '').replace(/\.js$/, '')}`;
  if (url.includes('/adapters/')) return 'tender adapters';
  return shortUrl(url);
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const dist = url.indexOf('/core/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

function main(argv: string[]): void {
  const file = argv[0];
  if (file === undefined) {
    process.stderr.write('usage: node bench/dist/profile-summary.js <file.cpuprofile> [top=25] [--from=<seconds to leave out>]\n');
    process.exitCode = 2;
    return;
  }
  const from = argv.find((a) => a.startsWith('--from='));
  const top = Number(argv.slice(1).find((a) => !a.startsWith('--')) ?? 25);
  const fromS = from === undefined ? 0 : Number(from.slice('--from='.length));
  const s = summarise(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, { fromMs: fromS * 1000 });
  const pct = (ms: number): string => `${((ms / s.busyMs) * 100).toFixed(1)}%`;
  const out: string[] = [];
  out.push(
    `profile ${path.basename(file)}${fromS > 0 ? ` from ${fromS} s on` : ''}: ${(s.busyMs / 1000).toFixed(1)} s busy ` +
      `(socket writes ${(s.socketWriteMs / 1000).toFixed(1)} s, ${pct(s.socketWriteMs)}; the rest ${((s.busyMs - s.socketWriteMs) / 1000).toFixed(1)} s), ` +
      `${(s.idleMs / 1000).toFixed(1)} s idle`,
  );
  out.push('', '| package / area | self time | share of busy |', '| --- | --- | --- |');
  for (const p of s.packages.slice(0, 20)) out.push(`| ${p.name} | ${(p.ms / 1000).toFixed(2)} s | ${pct(p.ms)} |`);
  out.push('', '| function | where | self time | share of busy |', '| --- | --- | --- | --- |');
  for (const f of s.functions.slice(0, top)) out.push(`| ${f.name} | ${f.where} | ${(f.ms / 1000).toFixed(2)} s | ${pct(f.ms)} |`);
  process.stdout.write(`${out.join('\n')}\n`);
}

if (require.main === module) main(process.argv.slice(2));
