import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { Database, Transaction, createDatabase, forUpdate, inTransaction, lockRowsForCluster } from '@tender/core';
import { cluster, clusterSynced, nodePort } from './cluster-support';

/**
 * Why Tender never relies on `SELECT ... FOR UPDATE` on Galera, and what it does
 * instead. Two transactions on two nodes each check "no child row yet" under a lock
 * on the same guard row, then insert one. Both read before either commits (a barrier
 * makes the race certain). With FOR UPDATE both commit: the lock is local to a node
 * and a read is not certified. With lockRowsForCluster (a write of the guard row)
 * the second COMMIT fails certification (1213), inTransaction re-runs it, and the
 * re-run sees the first one's child.
 */
describe('locks on a Galera cluster', function () {
  this.timeout(300_000);
  let startedCluster = false;
  const dbName = `tender_galera_locks_${process.pid}`;
  let one: Database;
  let two: Database;
  const syncWaitBefore = new Map<1 | 2, number>();

  before(async () => {
    if (!(await clusterSynced())) {
      await cluster('start');
      startedCluster = true;
    }
    const admin = await mysql.createConnection({ host: '127.0.0.1', port: nodePort(1), user: 'root' });
    await admin.query(`CREATE DATABASE \`${dbName}\``);
    await admin.query(`CREATE TABLE \`${dbName}\`.guards (id VARCHAR(8) PRIMARY KEY, updated_at BIGINT NOT NULL)`);
    await admin.query(`CREATE TABLE \`${dbName}\`.children (id INT AUTO_INCREMENT PRIMARY KEY, round_id VARCHAR(8) NOT NULL, node INT NOT NULL)`);
    // Causal reads on both nodes for every connection of this spec: a read waits until
    // its node has applied what the cluster committed before it. Without it the final
    // count on node 1 can miss node 2's child, committed but not yet applied there
    // (a CI run counted 1 child of 2 that way), and node 2 can miss the round's guard.
    // SET SESSION on a pool reaches one connection only, so the global default is set
    // before the pools open and put back afterwards.
    for (const node of [1, 2] as const) {
      const conn = await mysql.createConnection({ host: '127.0.0.1', port: nodePort(node), user: 'root' });
      const [rows] = await conn.query('SELECT @@GLOBAL.wsrep_sync_wait AS w');
      syncWaitBefore.set(node, Number((rows as Array<{ w: number }>)[0]?.w ?? 0));
      await conn.query('SET GLOBAL wsrep_sync_wait = 1');
      await conn.end();
    }
    await admin.end();
    one = createDatabase({ client: 'mysql', url: `mysql://root@127.0.0.1:${nodePort(1)}/${dbName}` });
    two = createDatabase({ client: 'mysql', url: `mysql://root@127.0.0.1:${nodePort(2)}/${dbName}` });
  });

  after(async () => {
    await one?.destroy();
    await two?.destroy();
    const admin = await mysql.createConnection({ host: '127.0.0.1', port: nodePort(1), user: 'root' });
    await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await admin.end();
    for (const [node, value] of syncWaitBefore) {
      const conn = await mysql.createConnection({ host: '127.0.0.1', port: nodePort(node), user: 'root' });
      await conn.query('SET GLOBAL wsrep_sync_wait = ?', [value]);
      await conn.end();
    }
    if (startedCluster) await cluster('stop');
  });

  /** One round: both nodes race to insert the round's only child; returns the child count and runs. */
  async function race(roundId: string, lock: (trx: Transaction) => Promise<unknown>): Promise<{ children: number; runs: number }> {
    await one('guards').insert({ id: roundId, updated_at: 0 });
    let release: () => void = () => undefined;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    let runs = 0;
    const attempt = (db: Database, node: number) =>
      inTransaction(db, async (trx) => {
        runs++;
        const first = runs <= 2;
        await lock(trx);
        const [row] = await trx('children').where({ round_id: roundId }).count({ n: '*' });
        if (first && ++reads === 2) release();
        if (first) await bothRead;
        if (Number(row?.n ?? 0) === 0) await trx('children').insert({ round_id: roundId, node });
      });
    const results = await Promise.allSettled([attempt(one, 1), attempt(two, 2)]);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    const [count] = await one('children').where({ round_id: roundId }).count({ n: '*' });
    return { children: Number(count?.n ?? 0), runs };
  }

  it('FOR UPDATE alone does not serialize two nodes: both insert', async () => {
    // One round where both commit proves the hole. A round can instead end in a
    // conflict for reasons that have nothing to do with the guard (the applier of one
    // node's insert aborting the other node's open transaction), so up to five rounds.
    const outcomes: Array<{ children: number; runs: number }> = [];
    for (let round = 0; round < 5; round++) {
      const outcome = await race(`fu${round}`, (trx) => forUpdate(trx, trx('guards').where({ id: `fu${round}` })));
      outcomes.push(outcome);
      if (outcome.children === 2) break;
    }
    const hole = outcomes.find((o) => o.children === 2);
    assert.ok(hole, `the hole this guards against, FOR UPDATE not held across nodes, did not show: ${JSON.stringify(outcomes)}`);
    assert.equal(hole.runs, 2);
  });

  it('lockRowsForCluster makes the second commit lose certification; its re-run sees the first child', async () => {
    for (let round = 0; round < 5; round++) {
      const id = `lw${round}`;
      const outcome = await race(id, (trx) => lockRowsForCluster(trx, trx('guards').where({ id }), 'updated_at'));
      assert.equal(outcome.children, 1, `round ${round}`);
      // At least one re-run; another if the re-run started before the winner's write set
      // was applied on its node (it then conflicts again).
      assert.ok(outcome.runs >= 3, `round ${round}: ${outcome.runs} runs`);
    }
  });
});
