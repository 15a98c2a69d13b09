import { closePaymentRun, discardRun, failedRow, LoadTurn, loadTurn, openPaymentRun, OpenPaymentRun, PaymentRunSpec } from './payment-run';
import { LoadProgress } from '../load/load-protocol';
import { BenchRun, ScenarioContext, ScenarioRow } from './scenario';

/** The re-warm before each later turn of a run: a fresh load generator, and the run's pools idle since its last turn. */
const REWARM_MS = 3_000;

/**
 * Runs that are compared with each other, measured in turns: all of them are opened
 * (databases, servers, history) first; then each takes `turns` loads of
 * measureS / turns seconds, in the order A B, B A, A B, ... (so a steady drift of
 * the machine weighs on every run alike); then each is checked and closed. The
 * machine's speed moved by half within one bench run here (docs/performance.md), so a
 * verdict that compares two rows measured minutes apart says more about the machine
 * than about the gateway; in turns, both rows see the same machine.
 *
 * The runs' servers are up together: an idle gateway's background loops (dispatchers,
 * leases) poll its database and cost a little CPU during the others' turns, alike for
 * every run.
 *
 * @example
 * ```ts
 * const rows = await measureInTurns(ctx, [spec(0), spec(10_000)]);
 * rows[1].throughput / rows[0].throughput - 1; // what 10k of history costs
 * ```
 */
export async function measureInTurns(ctx: ScenarioContext, specs: readonly PaymentRunSpec[], phases: RunPhases = REAL_PHASES): Promise<ScenarioRow[]> {
  const opened: Opened[] = [];
  try {
    for (const spec of specs) opened.push(await phases.open(ctx, spec));
  } catch (error) {
    // Opening failed before it could make a row (no database server): stop what runs.
    for (const o of opened) if (o.ok) await phases.discard(ctx, o);
    throw error;
  }
  const runs = opened.filter((o): o is OpenPaymentRun => o.ok);
  const turnsOf = new Map<OpenPaymentRun, LoadTurn[]>(runs.map((r) => [r, []]));
  const failures = new Map<OpenPaymentRun, unknown>();
  const { turns } = ctx.config;
  const measureMs = Math.max(1_000, Math.round((ctx.config.measureS * 1000) / turns));
  for (let turn = 0; turn < turns; turn++) {
    for (const run of turnOrder(runs, turn)) {
      if (failures.has(run)) continue;
      const warmupMs = turn === 0 ? ctx.config.warmupS * 1000 : Math.min(REWARM_MS, ctx.config.warmupS * 1000);
      try {
        turnsOf.get(run)?.push(await phases.load(run, warmupMs, measureMs, ctx.progress(`${run.label} (turn ${turn + 1}/${turns})`)));
      } catch (error) {
        failures.set(run, error);
      }
    }
  }
  const rows: ScenarioRow[] = [];
  for (const o of opened) {
    if (!o.ok) rows.push(o.row);
    else if (failures.has(o)) {
      await phases.discard(ctx, o);
      rows.push(failedRow(ctx, o, failures.get(o)));
    } else rows.push(await phases.close(ctx, o, turnsOf.get(o) ?? []));
  }
  return rows;
}

type Opened = Awaited<ReturnType<typeof openPaymentRun>>;

/** The parts of a payment run measureInTurns drives (payment-run.ts); a test gives its own. */
export interface RunPhases {
  open(ctx: ScenarioContext, spec: PaymentRunSpec): Promise<Opened>;
  load(run: OpenPaymentRun, warmupMs: number, measureMs: number, onProgress: (p: LoadProgress) => void): Promise<LoadTurn>;
  close(ctx: ScenarioContext, run: OpenPaymentRun, turns: readonly LoadTurn[]): Promise<ScenarioRow>;
  discard(ctx: ScenarioContext, run: OpenPaymentRun): Promise<void>;
}

const REAL_PHASES: RunPhases = { open: openPaymentRun, load: loadTurn, close: closePaymentRun, discard: discardRun };

/**
 * The order of the runs in turn `turn` (from 0): as given in even turns, reversed in
 * odd ones (A B, B A, A B, ...). Over two turns each run has gone first once, so a
 * drift that is steady over a pair of turns costs every run the same.
 */
export function turnOrder<T>(runs: readonly T[], turn: number): readonly T[] {
  return turn % 2 === 0 ? runs : [...runs].reverse();
}

/**
 * The BenchRuns (one per row) of runs measured together in turns: the first one's
 * `measure` measures them all; each run's `measure` returns its own row. `after` runs
 * once they are all measured (closing what their specs share, such as a webhook receiver).
 */
export function runsInTurns(ctx: ScenarioContext, specs: readonly PaymentRunSpec[], after?: () => Promise<void>): BenchRun[] {
  let all: Promise<ScenarioRow[]> | undefined;
  const measureAll = async (): Promise<ScenarioRow[]> => {
    try {
      return await measureInTurns(ctx, specs);
    } finally {
      await after?.();
    }
  };
  return specs.map((spec, i) => ({
    variant: spec.variant,
    measure: async () => {
      all ??= measureAll();
      const row = (await all)[i];
      if (row === undefined) throw new Error(`no row for ${spec.variant}`);
      return row;
    },
  }));
}
