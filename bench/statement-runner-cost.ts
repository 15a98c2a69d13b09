import { AsyncLocalStorage } from 'node:async_hooks';
import { Database, createDatabase } from '@tender/core';
import { runOnConnection } from '@tender/core/dist/db/connection-transaction';
import { BenchDatabase } from './bench-database';

/** Transactions per variant and round. */
const TRANSACTIONS = Number(process.env.RUNNER_COST_TRANSACTIONS ?? '2000');
/** Rounds; the two variants alternate, and which goes first alternates too. */
const ROUNDS = Number(process.env.RUNNER_COST_ROUNDS ?? '16');
/** Transactions in flight at once, as requests are in a gateway. */
const CONCURRENCY = 4;

type Variant = 'lean runner' | "knex's Runner";
type Driver = 'MariaDB' | 'a driver that answers at once';

/** A mysql2 callback connection as far as knex's pool and the runners use it. */
interface FakeConnection {
  query(options: { sql: string }, bindings: unknown, callback: (error: null, rows: unknown, fields: undefined) => void): void;
}

/** The members of knex's client this tool replaces or removes. */
interface BenchClient {
  runner?: unknown;
  query?: unknown;
  acquireConnection?: () => Promise<FakeConnection>;
  releaseConnection?: (connection: FakeConnection) => Promise<void>;
}

/**
 * `node bench/dist/statement-runner-cost.js`: the gateway process's CPU per transaction
 * with statements run by the lean runner (core/src/db/lean-runner.ts) against knex's
 * own Runner and `client.query`, in one process, alternating in rounds. Each
 * transaction is what the payment path sends: BEGIN, an insert, a `first`, a versioned
 * update, a select, an update, a raw statement, COMMIT, through `runOnConnection`, with
 * an AsyncLocalStorage store active (the gateway's request context) and no `query`
 * listener (the gateway has none; the statement log and some tests add one).
 *
 * Two drivers: MariaDB on this machine (what the gateway pays, mysql2 and the socket
 * included, and the machine's noise with it), and a driver that answers every statement
 * on the next turn of the event loop without a server (the CPU of knex and the runner
 * alone, which the noise of a server does not blur). Prints the median CPU per
 * transaction of each variant and in how many rounds the lean runner used less.
 *
 * @example
 * ```sh
 * npm run build && node bench/dist/statement-runner-cost.js
 * ```
 */
async function main(): Promise<void> {
  const database = await BenchDatabase.create(process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306', 'runner_cost');
  try {
    const setup = createDatabase({ client: 'mysql', url: database.url });
    await setup.schema.createTable('runner_rows', (t) => {
      t.string('id', 40).primary();
      t.bigInteger('n').notNullable();
      t.string('s', 100).notNullable();
      t.bigInteger('version').notNullable();
    });
    await setup.destroy();
    for (const driver of ['a driver that answers at once', 'MariaDB'] as const) {
      const lean = createDatabase({ client: 'mysql', url: database.url });
      const knexOwn = createDatabase({ client: 'mysql', url: database.url });
      try {
        const client = knexOwn.client as BenchClient;
        delete client.runner;
        delete client.query;
        if (driver === 'a driver that answers at once') {
          answerAtOnce(lean);
          answerAtOnce(knexOwn);
        }
        report(driver, await compare({ 'lean runner': lean, "knex's Runner": knexOwn }));
      } finally {
        await lean.destroy();
        await knexOwn.destroy();
      }
    }
  } finally {
    await database.drop();
  }
}

/** Gives `db` four connections that answer every statement on the next turn, without a server. */
function answerAtOnce(db: Database): void {
  const idle: FakeConnection[] = Array.from({ length: CONCURRENCY }, () => ({
    query(options, _bindings, callback) {
      const rows = /^select/i.test(options.sql) ? [{ id: 'x', n: 1, s: 'a', version: 1 }] : { affectedRows: 1, insertId: 0 };
      setImmediate(() => callback(null, rows, undefined));
    },
  }));
  const client = db.client as BenchClient;
  client.acquireConnection = () => {
    const connection = idle.pop();
    return connection === undefined ? Promise.reject(new Error('no idle connection')) : Promise.resolve(connection);
  };
  client.releaseConnection = (connection) => {
    idle.push(connection);
    return Promise.resolve();
  };
}

async function compare(variants: Record<Variant, Database>): Promise<Record<Variant, number[]>> {
  const context = new AsyncLocalStorage<{ requestId: string }>();
  let sequence = 0;
  const transaction = (db: Database): Promise<void> =>
    runOnConnection(db, async (trx) => {
      const id = `r${++sequence}`;
      await trx('runner_rows').insert({ id, n: 1, s: 'created', version: 1 });
      await trx('runner_rows').where({ id }).first();
      await trx('runner_rows').where({ id, version: 1 }).update({ n: 2, version: 2 });
      await trx('runner_rows').where({ id }).select('id', 'n');
      await trx('runner_rows').where({ id }).update({ s: 'confirmed' });
      await trx.raw('select 1 as one');
    });
  const round = async (db: Database, count: number): Promise<number> => {
    const start = process.cpuUsage();
    let left = count;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) =>
        context.run({ requestId: `q${i}` }, async () => {
          while (left-- > 0) await transaction(db);
        }),
      ),
    );
    const used = process.cpuUsage(start);
    return (used.user + used.system) / count;
  };
  const results: Record<Variant, number[]> = { 'lean runner': [], "knex's Runner": [] };
  const names = Object.keys(variants) as Variant[];
  // Warm-up: the JIT compiles both paths before anything is counted.
  for (const name of names) await round(variants[name], TRANSACTIONS / 2);
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of r % 2 === 0 ? names : [...names].reverse()) results[name].push(await round(variants[name], TRANSACTIONS));
  }
  return results;
}

function report(driver: Driver, results: Record<Variant, number[]>): void {
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN;
  const lean = results['lean runner'];
  const own = results["knex's Runner"];
  const fewer = lean.filter((value, i) => value < (own[i] ?? Infinity)).length;
  console.log(
    `${driver}: CPU per 8-statement transaction, median of ${lean.length} rounds of ${TRANSACTIONS}: ` +
      `lean runner ${median(lean).toFixed(0)} µs, knex's Runner ${median(own).toFixed(0)} µs; ` +
      `the lean runner used less in ${fewer} of ${lean.length} rounds`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
