import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { request } from 'undici';
import { Gateway, loadConfig, loadPluginModules } from '@tender/core';
import { BenchDatabase } from './bench-database';
import { statementProper } from './floors/statement-plan';
import { createMerchant, velocityInDryRun } from './gateway-process';

/**
 * `npm run bench:statements`: the SQL one benchmark payment (create + confirm, the
 * approved sandbox card, automatic capture) sends to MariaDB, in order, with the
 * transaction each statement ran in. The floor (floor-server.ts) must send the same
 * statements; this is how the list in docs/performance.md is read, and how the floor
 * is kept honest when the gateway's hot path changes.
 *
 * The gateway runs in this process (so knex's `query` events can be heard), on a
 * fresh database, exactly as the benchmark configures it: the default plugins (those
 * `npm start` and the benchmark's gateways load, whose event listeners run in the
 * payment's transactions), velocity in dry run, no Idempotency-Key. One payment warms caches first; the second is printed.
 * STATEMENTS_ONE_REQUEST=1 pays with one request instead (`confirm: true` on create).
 */
async function main(): Promise<void> {
  const serverUrl = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
  const database = await BenchDatabase.create(serverUrl, 'statements');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-statements-'));
  const adminToken = `bench_admin_${randomBytes(16).toString('hex')}`;
  const config = loadConfig({
    DATABASE_URL: database.url,
    TENDER_DATA_DIR: dataDir,
    TENDER_MASTER_KEY: randomBytes(32).toString('base64'),
    TENDER_ADMIN_TOKEN: adminToken,
    TENDER_LOG_LEVEL: 'warn',
    TENDER_DEMO_MERCHANT: 'false',
    TENDER_RECONCILE_INTERVAL_MS: '0',
    // The dispatcher polls on its own schedule; its statements are not the payment's.
    TENDER_WEBHOOK_DISPATCHER: 'false',
  });
  const gateway = await Gateway.create(config, { plugins: loadPluginModules(config.plugins) });
  try {
    const address: AddressInfo = await gateway.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${address.port}`;
    const merchant = await createMerchant(url, { masterKey: '', adminToken });
    await velocityInDryRun(url, merchant.secretKey);
    await pay(url, merchant.secretKey, 'warm-up');

    const lines: string[] = [];
    // STATEMENTS_FULL=1 prints whole statements and their bindings (to write the floor's copies).
    const full = process.env.STATEMENTS_FULL === '1';
    const listener = (q: { sql: string; bindings?: unknown[]; __knexTxId?: string }): void => {
      const sql = q.sql.replace(/\s+/g, ' ');
      lines.push(
        `${q.__knexTxId === undefined ? 'auto' : q.__knexTxId.replace(/^trx/, 'tx')}\t${full ? `${sql}\n\t\t${JSON.stringify(q.bindings ?? []).slice(0, 400)}` : sql.slice(0, 160)}`,
      );
    };
    gateway.db.on('query', listener);
    const marks = await pay(url, merchant.secretKey, 'measured', () => lines.push('--- confirm'));
    gateway.db.off('query', listener);
    console.log(`--- create\n${lines.join('\n')}`);
    const statements = lines.filter((l) => !l.startsWith('---') && !/\t(BEGIN|COMMIT|ROLLBACK);?/i.test(l));
    // A causal read (`SET STATEMENT wsrep_sync_wait = 1 FOR SELECT ...`) counts as the SELECT it is.
    const count = (re: RegExp): number => statements.filter((l) => re.test(statementProper(l.split('\t')[1] ?? ''))).length;
    const transactions = new Set(statements.map((l) => l.split('\t')[0]).filter((t) => t !== 'auto')).size;
    // Commits that write (an fsync each with innodb_flush_log_at_trx_commit=1): transactions
    // with a write, and autocommit writes. An INSERT IGNORE of a row that exists writes nothing,
    // so it is counted apart.
    const writes = /^(insert|update|delete)/i;
    const ignore = /^insert ignore/i;
    const sqlOf = (l: string): string => l.split('\t')[1] ?? '';
    const writingTransactions = new Set(statements.filter((l) => !l.startsWith('auto') && writes.test(sqlOf(l))).map((l) => l.split('\t')[0])).size;
    const autoWrites = statements.filter((l) => l.startsWith('auto') && writes.test(sqlOf(l)));
    const ignores = autoWrites.filter((l) => ignore.test(sqlOf(l))).length;
    const commits = writingTransactions + autoWrites.length - ignores;
    console.log(
      `\n${statements.length} statements (${count(/^select/i)} SELECT, ${count(/^insert/i)} INSERT, ${count(/^update/i)} UPDATE, ${count(/^delete/i)} DELETE) besides BEGIN/COMMIT, ${transactions} transactions, ${statements.filter((l) => l.startsWith('auto')).length} autocommit; payment ${marks}`,
    );
    console.log(
      `${commits} commits that write (${writingTransactions} transactions, ${autoWrites.length - ignores} autocommit writes)${ignores > 0 ? `, plus ${ignores} autocommit INSERT IGNORE that writes only the first time` : ''}`,
    );
  } finally {
    await gateway.close();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The approved sandbox card, as a confirm's `payment_method`. */
function cardMethod(): Record<string, unknown> {
  return { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' } };
}

/** STATEMENTS_ONE_REQUEST=1: create and confirm in one request (`confirm: true`), as a server-side integration may. */
async function payInOneRequest(url: string, key: string, label: string): Promise<string> {
  const created = await request(`${url}/v1/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      amount: 150000,
      currency: 'RUB',
      order_id: `stmt-${label}-${randomBytes(4).toString('hex')}`,
      description: 'benchmark order',
      confirm: true,
      payment_method: cardMethod(),
    }),
  });
  const body = (await created.body.json()) as { id?: string; status?: string };
  if (created.statusCode !== 201 || body.id === undefined || body.status !== 'captured')
    throw new Error(`create+confirm: HTTP ${created.statusCode} ${JSON.stringify(body)}`);
  return body.id;
}

async function pay(url: string, key: string, label: string, between?: () => void): Promise<string> {
  if (process.env.STATEMENTS_ONE_REQUEST === '1') return payInOneRequest(url, key, label);
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const created = await request(`${url}/v1/payments`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ amount: 150000, currency: 'RUB', order_id: `stmt-${label}-${randomBytes(4).toString('hex')}`, description: 'benchmark order' }),
  });
  const payment = (await created.body.json()) as { id?: string };
  if (created.statusCode !== 201 || payment.id === undefined) throw new Error(`create: HTTP ${created.statusCode} ${JSON.stringify(payment)}`);
  between?.();
  const confirmed = await request(`${url}/v1/payments/${payment.id}/confirm`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ payment_method: cardMethod() }),
  });
  const body = (await confirmed.body.json()) as { status?: string };
  if (confirmed.statusCode !== 200 || body.status !== 'captured') throw new Error(`confirm: HTTP ${confirmed.statusCode} ${JSON.stringify(body)}`);
  return payment.id;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
