import fs from 'node:fs';
import path from 'node:path';
import express, { Request, Response } from 'express';
import { floorPool, serveFloor } from './floor-kit';

/**
 * The same-statement floor (scenario 2): the least a server on this machine must do
 * to take a card payment with the gateway's database work and none of its logic.
 * Its statements are data, bench/floors/same-statement.json (the gateway's statements
 * as captured in same-statement.statements.txt: same tables, same order, same
 * transactions), replayed by statement-replay-server.ts like the fixed floors. When
 * `npm run bench:statements` changes, re-capture and update that plan, not this file
 * (test/unit/bench-same-statement-floor.spec.ts fails until the two agree).
 *
 * Scenario 3's baseline runs this script with FLOOR_STATIC_HTML=<file>: then it only
 * serves that file's bytes at `GET /static-page` (no template, no database).
 *
 * Run by the harness as its own process: `node bench/dist/floor-server.js` with
 * DATABASE_URL (a database migrated by `tender migrate`) and PORT (0 = any).
 */
const staticHtml = process.env.FLOOR_STATIC_HTML;

if (staticHtml === undefined) {
  // Compiled to bench/dist/floor-server.js; the plans stay in bench/floors/.
  process.env.FLOOR_PLAN ??= path.join(__dirname, '..', 'floors', 'same-statement.json');
  import('./statement-replay-server').catch((error: unknown) => {
    process.stderr.write(`floor: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
} else {
  const page = fs.readFileSync(staticHtml);
  const app = express();
  app.get('/static-page', (_req: Request, res: Response) => {
    res.status(200).type('html').send(page);
  });
  serveFloor(app, floorPool(), 'floor');
}
