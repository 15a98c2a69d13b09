import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type * as GatewayProcessModule from '../../bench/gateway-process';
import type { ServerProcess } from '../../bench/server-process';
import { CARDS, card } from '../support/merchant-client';
import { FAST_WEBHOOKS, WebhookReceiver } from '../support/webhook-receiver';
import { ApiAnswer, bankCalls, cluster, clusterSynced, inPool, nodePort, post, sleep } from './cluster-support';

const BENCH_DIST = path.resolve(__dirname, '..', '..', '..', 'bench', 'dist');
// bench/ is its own project, loaded from its compiled output at run time (not a package test depends on).
const benchRequire = createRequire(__filename);
const { startGateway, newGatewaySecrets, createMerchant, velocityInDryRun } = benchRequire(
  path.join(BENCH_DIST, 'gateway-process'),
) as typeof GatewayProcessModule;

const PAYMENTS = Number(process.env.GALERA_PAYMENTS ?? 1000);
const AMOUNT = 10_000;
const CONCURRENCY = 8;

/**
 * Tender on a 3-node Galera cluster (test/galera/cluster.sh): two gateway processes,
 * A on node 1 and B on node 2, race captures and refunds of the same payments, while
 * node 3 is killed with -9 and rejoined. Galera holds no row lock across nodes, so
 * the guarantees here come from version-conditional updates and certification
 * (a loser gets 1213 and Tender re-runs its transaction), not from FOR UPDATE.
 *
 * The bank is the sandbox adapter inside each gateway process (nothing outside
 * Tender is mocked); what it was asked and answered is read from each gateway's
 * `tender_bank_calls_total` and from the bank operation journal.
 */
/** Galera's own counts of lost races on the gateways' nodes (1 and 2). */
async function conflictCounters(): Promise<Record<string, number>> {
  const counters: Record<string, number> = {};
  for (const n of [1, 2] as const) {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: nodePort(n), user: 'root' });
    const [rows] = await conn.query<mysql.RowDataPacket[]>("SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_cert_failures', 'wsrep_local_bf_aborts')");
    for (const r of rows) counters[`node${n} ${String(r.Variable_name)}`] = Number(r.Value);
    await conn.end();
  }
  return counters;
}

describe('Tender on a 3-node Galera cluster', function () {
  this.timeout(1_800_000);
  let startedCluster = false;
  let admin: mysql.Connection;
  let dbName = '';
  const gateways: ServerProcess[] = [];
  let receiver: WebhookReceiver;

  before(async function () {
    if (!(await clusterSynced())) {
      await cluster('start');
      startedCluster = true;
    }
    admin = await mysql.createConnection({ host: '127.0.0.1', port: nodePort(1), user: 'root' });
    dbName = `tender_galera_${process.pid}`;
    await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    receiver = await new WebhookReceiver().start();
  });

  after(async () => {
    await Promise.all(gateways.map((g) => g.stop().catch(() => undefined)));
    await receiver?.close();
    if (admin !== undefined) {
      await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``).catch(() => undefined);
      await admin.end();
    }
    if (startedCluster) await cluster('stop');
  });

  it('captures once, never over-refunds, settles every payment and loses no webhook while a node dies and rejoins', async () => {
    const secrets = newGatewaySecrets();
    const url = (node: 1 | 2) => `mysql://root@127.0.0.1:${nodePort(node)}/${dbName}`;
    // A migrates the empty database first; then B starts on the other node.
    // Causal reads off: stale reads across nodes are the harsher case for the guarantees checked here.
    const env = { ...FAST_WEBHOOKS, TENDER_DB_CAUSAL_READS: 'off' };
    gateways.push(await startGateway('gateway-a', url(1), secrets, undefined, env));
    gateways.push(await startGateway('gateway-b', url(2), secrets, undefined, env));
    const [a, b] = gateways.map((g) => g.url) as [string, string];
    const merchant = await createMerchant(a, secrets);
    const key = merchant.secretKey;
    // One card pays every payment; velocity would otherwise hold them for review.
    await velocityInDryRun(a, key);
    const endpoint = await post(a, key, '/v1/webhook_endpoints', { url: receiver.url(), events: ['*'] });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));

    const statuses = new Map<string, number>();
    const count = (what: string, answer: ApiAnswer): void => {
      const label = `${what} ${answer.status}${answer.status >= 300 ? ` ${answer.body.error?.code ?? ''}` : ''}`;
      statuses.set(label, (statuses.get(label) ?? 0) + 1);
    };

    // 1. Authorize the payments, alternating gateways (and so nodes).
    const ids: string[] = [];
    await inPool(
      Array.from({ length: PAYMENTS }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        const gw = i % 2 === 0 ? a : b;
        const created = await post(gw, key, '/v1/payments', { amount: AMOUNT, currency: 'RUB', order_id: `galera-${i}`, capture_method: 'manual' });
        count('create', created);
        assert.equal(created.status, 201, JSON.stringify(created.body));
        // Every payment uses the one sandbox card, so confirms on the two nodes keep writing
        // the card's risk rows at once: a confirm may lose certification 10 times and answer
        // write_conflict (503, nothing written), which a client retries as it would any 503.
        let confirmed = await post(gw, key, `/v1/payments/${created.body.id!}/confirm`, card(CARDS.visa));
        count('confirm', confirmed);
        for (let retry = 0; retry < 5 && confirmed.status === 503 && confirmed.body.error?.code === 'write_conflict'; retry++) {
          await sleep(200);
          confirmed = await post(gw, key, `/v1/payments/${created.body.id!}/confirm`, card(CARDS.visa));
          count('confirm (retried)', confirmed);
        }
        if (confirmed.body.status !== 'authorized') await sleep(1_000); // the gateways' log lines, for the message
        assert.equal(
          confirmed.body.status,
          'authorized',
          `${JSON.stringify(confirmed.body)}\nanswers so far: ${JSON.stringify([...statuses])}\n${gateways.map((g) => g.recentOutput).join('\n')}`,
        );
        ids.push(created.body.id!);
      },
    );

    // 2. Per payment: a capture on each gateway at once, then three refunds at once
    //    (5,000 on A, 5,000 on B, 3,000 on A: any two of them fit, never all three).
    //    Node 3 is killed when a quarter is done and rejoined 8 s later, under load.
    const conflictsBefore = await conflictCounters();
    let done = 0;
    const timeline: string[] = [];
    const started = Date.now();
    const chaos = (async () => {
      while (done < PAYMENTS / 4) await sleep(50);
      await cluster('kill', '3');
      timeline.push(`node 3 killed at ${done} payments, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      await sleep(8_000);
      const rejoinStarted = Date.now();
      await cluster('rejoin', '3');
      timeline.push(
        `node 3 rejoined (IST) at ${done} payments, ${((Date.now() - started) / 1000).toFixed(1)} s, rejoin took ${((Date.now() - rejoinStarted) / 1000).toFixed(1)} s`,
      );
    })();
    await inPool(ids, CONCURRENCY, async (id) => {
      const captures = await Promise.all([post(a, key, `/v1/payments/${id}/capture`, {}), post(b, key, `/v1/payments/${id}/capture`, {})]);
      captures.forEach((c) => count('capture', c));
      const refunds = await Promise.all([
        post(a, key, '/v1/refunds', { payment_id: id, amount: 5_000 }),
        post(b, key, '/v1/refunds', { payment_id: id, amount: 5_000 }),
        post(a, key, '/v1/refunds', { payment_id: id, amount: 3_000 }),
      ]);
      refunds.forEach((r) => count('refund', r));
      done++;
    });
    await chaos;
    const loadSeconds = (Date.now() - started) / 1000;
    const conflictsAfter = await conflictCounters();

    // 3. Every payment in a definite state: no bank operation or refund left open.
    const db = await mysql.createConnection({ host: '127.0.0.1', port: nodePort(1), user: 'root', database: dbName });
    let open = -1;
    for (let i = 0; i < 240 && open !== 0; i++) {
      const [rows] = await db.query<mysql.RowDataPacket[]>(
        `SELECT COUNT(*) AS n FROM payments WHERE merchant_id = ? AND (operation_in_progress IS NOT NULL OR amount_refund_pending <> 0 OR status NOT IN ('captured','partially_refunded','refunded'))`,
        [merchant.merchantId],
      );
      open = Number(rows[0].n);
      if (open !== 0) await sleep(500);
    }

    const [payments] = await db.query<mysql.RowDataPacket[]>(
      'SELECT id, status, amount, amount_captured, amount_refunded, amount_refund_pending FROM payments WHERE merchant_id = ?',
      [merchant.merchantId],
    );
    const [ops] = await db.query<mysql.RowDataPacket[]>('SELECT payment_id, kind, status, amount FROM bank_operations WHERE merchant_id = ?', [
      merchant.merchantId,
    ]);
    const [refundRows] = await db.query<mysql.RowDataPacket[]>('SELECT payment_id, status, amount FROM refunds WHERE merchant_id = ?', [merchant.merchantId]);
    const byPayment = new Map<string, { captures: number; captured: number; refundOps: number; refundRows: number }>();
    for (const p of payments) byPayment.set(String(p.id), { captures: 0, captured: 0, refundOps: 0, refundRows: 0 });
    for (const op of ops) {
      const entry = byPayment.get(String(op.payment_id))!;
      if (op.kind === 'capture' && op.status === 'succeeded') {
        entry.captures++;
        entry.captured += Number(op.amount);
      }
      if (op.kind === 'refund' && (op.status === 'succeeded' || op.status === 'pending')) entry.refundOps += Number(op.amount);
    }
    for (const r of refundRows) if (r.status === 'succeeded' || r.status === 'pending') byPayment.get(String(r.payment_id))!.refundRows += Number(r.amount);

    let doubleCharges = 0;
    let overRefunds = 0;
    let mismatches = 0;
    for (const p of payments) {
      const e = byPayment.get(String(p.id))!;
      if (e.captures > 1 || Number(p.amount_captured) > Number(p.amount)) doubleCharges++;
      if (e.refundOps > Number(p.amount_captured) || e.refundRows > Number(p.amount_captured) || Number(p.amount_refunded) > Number(p.amount_captured))
        overRefunds++;
      if (e.captured !== Number(p.amount_captured) || e.refundRows !== Number(p.amount_refunded) + Number(p.amount_refund_pending)) mismatches++;
    }

    // The bank's side: what the sandbox bank of each gateway approved.
    const calls = new Map<string, number>();
    for (const gw of [a, b]) for (const [k, v] of await bankCalls(gw)) calls.set(k, (calls.get(k) ?? 0) + v);
    const capturedPayments = payments.filter((p) => Number(p.amount_captured) > 0).length;
    const refundsSucceeded = refundRows.filter((r) => r.status === 'succeeded');
    const refundedAtBank = refundsSucceeded.reduce((s, r) => s + Number(r.amount), 0);

    // 4. Webhooks: every event of the merchant reaches the receiver at least once.
    const [eventRows] = await db.query<mysql.RowDataPacket[]>('SELECT id FROM events WHERE merchant_id = ?', [merchant.merchantId]);
    const expected = new Set(eventRows.map((e) => String(e.id)));
    const received = (): Set<string> => new Set(receiver.received.filter((h) => h.status === 200).map((h) => h.eventId));
    for (let i = 0; i < 360 && [...expected].some((id) => !received().has(id)); i++) await sleep(500);
    const got = received();
    const lost = [...expected].filter((id) => !got.has(id)).length;
    const acknowledged = receiver.received.filter((h) => h.status === 200).length;
    const duplicates = acknowledged - got.size;

    // 5. The three nodes hold the same rows after the rejoin.
    const fingerprints: string[] = [];
    for (const n of [1, 2, 3] as const) {
      const conn = await mysql.createConnection({ host: '127.0.0.1', port: nodePort(n), user: 'root', database: dbName });
      await conn.query('SET SESSION wsrep_sync_wait = 1');
      const [rows] = await conn.query<mysql.RowDataPacket[]>(
        'SELECT COUNT(*) AS n, SUM(amount_captured) AS c, SUM(amount_refunded) AS r, SUM(version) AS v FROM payments WHERE merchant_id = ?',
        [merchant.merchantId],
      );
      fingerprints.push(JSON.stringify(rows[0]));
      await conn.end();
    }
    await db.end();

    const report = {
      payments: payments.length,
      loadSeconds: Number(loadSeconds.toFixed(1)),
      timeline,
      answers: Object.fromEntries([...statuses].sort()),
      openAfterSettling: open,
      doubleCharges,
      overRefunds,
      journalMismatches: mismatches,
      statuses: payments.reduce<Record<string, number>>((s, p) => ({ ...s, [String(p.status)]: (s[String(p.status)] ?? 0) + 1 }), {}),
      bankCalls: Object.fromEntries([...calls].sort()),
      capturedPayments,
      refundsSucceeded: refundsSucceeded.length,
      refundedAtBank,
      // Transactions that lost to a write set of the other node (certification failures
      // at COMMIT, brute-force aborts of a local transaction): each one Tender re-ran.
      galeraConflicts: Object.fromEntries(Object.entries(conflictsAfter).map(([k, v]) => [k, v - (conflictsBefore[k] ?? 0)])),
      webhooks: { events: expected.size, acknowledged, lost, duplicates },
      nodes: fingerprints,
    };
    process.stdout.write(`GALERA RESULT ${JSON.stringify(report, null, 2)}\n`);

    assert.equal(payments.length, PAYMENTS);
    assert.equal(open, 0, 'every payment in a definite state');
    assert.equal(doubleCharges, 0, 'no double charge');
    assert.equal(overRefunds, 0, 'no over-refund');
    assert.equal(mismatches, 0, 'payments agree with their bank operations and refunds');
    assert.equal(calls.get('capture/approved') ?? 0, capturedPayments, 'the bank approved exactly one capture per captured payment');
    assert.equal(calls.get('refund/approved') ?? 0, refundsSucceeded.length, 'the bank approved exactly the refunds Tender recorded');
    assert.equal(capturedPayments, PAYMENTS, 'every payment was captured once');
    // write_conflict (503) is the one retryable 5xx: the request lost its race and wrote nothing.
    assert.equal(
      [...statuses.keys()].filter((k) => / (0|5\d\d)( |$)/.test(k) && !k.endsWith(' write_conflict')).length,
      0,
      `no 5xx but write_conflict, no network error: ${JSON.stringify([...statuses])}`,
    );
    assert.equal(lost, 0, 'no webhook lost');
    assert.equal(new Set(fingerprints).size, 1, `nodes agree: ${fingerprints.join(' ')}`);
  });
});
