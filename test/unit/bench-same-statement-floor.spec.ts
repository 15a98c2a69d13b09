import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type * as Plan from '../../bench/floors/statement-plan';

// The same-statement floor (bench/floors/same-statement.json) follows the gateway: it
// must send what `STATEMENTS_FULL=1 npm run bench:statements` printed, captured in
// same-statement.statements.txt. Capturing needs MariaDB, so this test reads the
// committed capture; when the gateway's statements change, re-capture, and this test
// fails until the plan is brought in line (docs/performance.md, "The floors").
const BENCH = path.resolve(__dirname, '..', '..', '..', 'bench');
const plan = JSON.parse(fs.readFileSync(path.join(BENCH, 'floors', 'same-statement.json'), 'utf8')) as Plan.StatementPlan;
const capture = fs.readFileSync(path.join(BENCH, 'floors', 'same-statement.statements.txt'), 'utf8');

/** A statement as verb + first table: what both lists must agree on, whatever the quoting. */
function shape(sql: string): string {
  const verb = (/^\s*(select|insert ignore|insert|update|delete)/i.exec(sql)?.[1] ?? '?').toLowerCase();
  const table = /\b(?:from|into|update)\s+`?(\w+)`?/i.exec(sql)?.[1] ?? '?';
  return `${verb} ${table}`;
}

/** The capture as `request unit shape` lines; a unit is `auto` or the n-th transaction of the request. */
function capturedStatements(): string[] {
  const out: string[] = [];
  let request = '?';
  const txOrder = new Map<string, number>();
  for (const line of capture.split('\n')) {
    const section = /^--- (\w+)/.exec(line);
    if (section !== null) {
      request = section[1] ?? '?';
      txOrder.clear();
      continue;
    }
    const [unit = '', sql = ''] = line.split('\t');
    if (!/^(auto|tx\d+)$/.test(unit) || /^(BEGIN|COMMIT|ROLLBACK);?$/i.test(sql)) continue;
    if (unit !== 'auto' && !txOrder.has(unit)) txOrder.set(unit, txOrder.size + 1);
    out.push(`${request} ${unit === 'auto' ? 'auto' : `tx${txOrder.get(unit) ?? 0}`} ${shape(sql)}`);
  }
  return out;
}

function plannedStatements(): string[] {
  return (['create', 'confirm'] as const).flatMap((request) => {
    let tx = 0;
    return plan[request].steps.flatMap((step) => {
      const unit = step.transaction ? `tx${++tx}` : 'auto';
      return step.statements.map((s) => `${request} ${unit} ${shape(s.sql)}`);
    });
  });
}

describe('the same-statement floor follows the gateway (bench/floors/same-statement.json, no database)', () => {
  // bench/ is its own project, not a package: its compiled output sits at bench/dist.
  let planCounts: typeof Plan.planCounts;
  before(async () => {
    ({ planCounts } = (await import(path.join(BENCH, 'dist', 'floors', 'statement-plan.js'))) as typeof Plan);
  });

  it('sends the captured statements in the captured order, transactions and autocommits', () => {
    const captured = capturedStatements();
    assert.ok(captured.length > 0, 'the capture holds no statements');
    assert.deepEqual(plannedStatements(), captured);
  });

  it("agrees with the capture's own count of statements, SELECTs and writing commits", () => {
    const summary = /^(\d+) statements \((\d+) SELECT, (\d+) INSERT, (\d+) UPDATE, (\d+) DELETE\)/m.exec(capture);
    const commits = /^(\d+) commits that write/m.exec(capture);
    assert.ok(summary !== null && commits !== null, 'the capture lacks its summary lines');
    assert.deepEqual(planCounts(plan), { statements: Number(summary[1]), selects: Number(summary[2]), commits: Number(commits[1]) });
    const verbs = plannedStatements().map((s) => s.split(' ')[2]);
    assert.deepEqual(
      ['insert', 'update', 'delete'].map((v) => verbs.filter((x) => x === v).length),
      [summary[3], summary[4], summary[5]].map(Number),
    );
  });
});
