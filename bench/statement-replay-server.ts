import fs from 'node:fs';
import express, { ErrorRequestHandler, Request, Response } from 'express';
import { Conn, floorPool, inTransaction, keyHashOf, required, serveFloor } from './floor-kit';
import { RequestPlan, RequestScope, StatementPlan, newScope, resolve } from './floors/statement-plan';

/**
 * A floor that replays a FIXED list of statements (bench/floors/*.json, named by
 * FLOOR_PLAN): the reference floor of Dec 2026 (the 27 statements the gateway sent
 * on 5 Dec 2026) or the physical floor (the least a durable card payment needs).
 * Express, JSON bodies and the gateway-sized mysql2 pool, like floor-server.ts; the
 * plan decides the statements and how they are grouped into transactions.
 *
 * Run by the harness: `node bench/dist/statement-replay-server.js` with
 * DATABASE_URL (migrated by `tender migrate`), FLOOR_PLAN (a JSON file) and PORT.
 */
const plan = JSON.parse(fs.readFileSync(required('FLOOR_PLAN'), 'utf8')) as StatementPlan;
const pool = floorPool();

/** Thrown when a statement marked `orFail` finds no row: the request answers that status. */
class NoRow extends Error {
  constructor(readonly status: number) {
    super(`no row (${status})`);
  }
}

async function runStatements(c: Conn | typeof pool, statements: RequestPlan['steps'][number]['statements'], scope: RequestScope): Promise<void> {
  for (const statement of statements) {
    const [rows] = await c.query(
      statement.sql,
      statement.params.map((p) => resolve(p, scope)),
    );
    const row = Array.isArray(rows) ? (rows[0] as Record<string, unknown> | undefined) : undefined;
    if (row === undefined && statement.orFail !== undefined) throw new NoRow(statement.orFail);
    if (statement.as !== undefined && row !== undefined) scope.rows.set(statement.as, row);
  }
}

async function replay(request: RequestPlan, req: Request, res: Response): Promise<void> {
  const scope = newScope(keyHashOf(req), req.body, String(req.params.id ?? ''));
  try {
    for (const step of request.steps) {
      if (step.transaction) await inTransaction(pool, (c) => runStatements(c, step.statements, scope));
      else await runStatements(pool, step.statements, scope);
    }
  } catch (error) {
    if (!(error instanceof NoRow)) throw error;
    res.status(error.status).json({ error: { code: error.status === 401 ? 'api_key_invalid' : 'resource_missing' } });
    return;
  }
  res.status(request.response.status).json(resolve(request.response.body, scope));
}

const app = express();
app.use(express.json({ limit: '64kb' }));
app.post('/v1/payments', (req: Request, res: Response) => replay(plan.create, req, res));
app.post('/v1/payments/:id/confirm', (req: Request, res: Response) => replay(plan.confirm, req, res));

const onError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  process.stderr.write(`${plan.name}: ${error instanceof Error ? error.message : String(error)}\n`);
  res.status(500).json({ error: { code: 'internal_error' } });
};
app.use(onError);

serveFloor(app, pool, 'floor');
