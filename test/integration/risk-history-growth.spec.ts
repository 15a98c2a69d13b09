import assert from 'node:assert/strict';
import { FixedClock, InsertRow } from '@tender/core';
import { BucketedRiskHistory } from '@tender/core/dist/monitoring/bucketed-risk-history';
import { RiskBucketPruner, PRUNE_BATCH } from '@tender/core/dist/monitoring/risk-bucket-pruner';
import { keyHashOf } from '@tender/core/dist/monitoring/risk-buckets';
import { RiskEngine } from '@tender/core/dist/monitoring/risk-engine';
import { PaymentService } from '@tender/core/dist/payments/payment.service';
import { coreJobs } from '@tender/core/dist/scheduling/core-jobs';
import { TestGateway, startTestGateway } from '../support/test-gateway';

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Pruning the risk history keys (RiskBucketPruner, docs/risk.md "Pruning"): the buckets
 * of minutes older than the longest window a rule may set go, with the lock rows of
 * keys left without a bucket; everything a window can still count stays, and a check
 * answers the same after pruning as before. Runs on SQLite and on MariaDB.
 */
describe('transaction monitoring: pruning the history buckets', function () {
  let t: TestGateway;
  let clock: FixedClock;

  before(async () => {
    clock = new FixedClock(Date.parse('2026-05-05T10:00:30Z'));
    t = await startTestGateway({ clock });
  });
  after(() => t.close());

  function bucket(merchantId: string, keyHash: string, at: number, extra: Partial<InsertRow<'risk_key_buckets'>> = {}): InsertRow<'risk_key_buckets'> {
    return {
      merchant_id: merchantId,
      livemode: false,
      key_hash: keyHash,
      bucket_start: at - (at % MINUTE),
      currency: 'RUB',
      card_fingerprint: '',
      attempts: 1,
      amount: 150000,
      pending: 0,
      declined: 0,
      small: 0,
      ...extra,
    };
  }

  function lock(merchantId: string, keyHash: string, createdAt: number): InsertRow<'risk_key_locks'> {
    return { merchant_id: merchantId, livemode: false, key_hash: keyHash, created_at: createdAt };
  }

  async function insertBuckets(rows: Array<InsertRow<'risk_key_buckets'>>): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) await t.gateway.db('risk_key_buckets').insert(rows.slice(i, i + 200));
  }

  it('deletes buckets older than 30 days and the lock rows left without one, in batches, and a check answers the same', async () => {
    const m = await t.createMerchant();
    const ctx = { merchantId: m.id, livemode: false };
    const now = clock.now();
    const hot = 'a'.repeat(64);
    const ip = '198.51.100.77';
    const email = 'history@example.com';
    const hotKeys = [keyHashOf('card', hot), keyHashOf('ip', ip), keyHashOf('email', email)];

    // The hot card, IP and e-mail: attempts over the last 50 minutes (2 declined, 3 pending), on day 29, and 31 to 40 days ago.
    const buckets: Array<InsertRow<'risk_key_buckets'>> = [];
    for (let n = 0; n < 50; n++) {
      const at = now - 50 * MINUTE + n * MINUTE;
      buckets.push(bucket(m.id, hotKeys[0], at, { declined: n < 2 ? 1 : 0, pending: n >= 2 && n < 5 ? 1 : 0 }));
      buckets.push(bucket(m.id, hotKeys[1], at, { card_fingerprint: hot }));
      buckets.push(bucket(m.id, hotKeys[2], at));
    }
    for (const key of hotKeys) buckets.push(bucket(m.id, key, now - 29 * DAY, { card_fingerprint: key === hotKeys[1] ? hot : '' }));
    const old: Array<InsertRow<'risk_key_buckets'>> = [];
    for (let d = 31; d <= 40; d++)
      for (const key of hotKeys) old.push(bucket(m.id, key, now - d * DAY, { card_fingerprint: key === hotKeys[1] ? hot : '', declined: 1 }));
    // More one-off keys than one batch holds, seen only 35 days ago: their buckets and lock rows all go.
    const gone = Array.from({ length: PRUNE_BATCH * 2 + 37 }, (_, n) => keyHashOf('card', `gone-${n}`));
    for (const [n, key] of gone.entries()) old.push(bucket(m.id, key, now - 35 * DAY - n * MINUTE));
    await insertBuckets([...buckets, ...old]);

    const orphan = keyHashOf('ip', '192.0.2.9'); // a lock row 40 days old that never had a bucket
    const fresh = keyHashOf('email', 'new@example.com'); // just created by a confirm that has not written its attempt yet
    const merchantWide = keyHashOf('merchant');
    const lockRows = [
      ...hotKeys.map((k) => lock(m.id, k, now - 45 * DAY)),
      ...gone.map((k) => lock(m.id, k, now - 36 * DAY)),
      lock(m.id, orphan, now - 40 * DAY),
      lock(m.id, fresh, now - MINUTE),
      lock(m.id, merchantWide, now - 60 * DAY),
    ];
    for (let i = 0; i < lockRows.length; i += 200) await t.gateway.db('risk_key_locks').insert(lockRows.slice(i, i + 200));

    const payment = await t.gateway.container
      .resolve(PaymentService)
      .create(ctx, { amount: 150000, currency: 'RUB', order_id: 'prune', capture_method: 'automatic' });
    const engine = t.gateway.container.resolve(RiskEngine);
    const card = { fingerprint: hot, brand: 'visa', bin: '400000', last4: '0002', expMonth: 12, expYear: 2031 };
    // What a check sees: the default rules' answer, and the counts over the longest window a rule may set.
    const check = async () => {
      const risk = await engine.assess(ctx, payment, card, { ip, email });
      const history = await BucketedRiskHistory.load(t.gateway.db, ctx, { card: hot, ip, email }, now - 30 * DAY, now);
      return {
        reasons: risk.reasons.map((r) => `${r.rule}: ${r.reason}`),
        score: risk.score,
        action: risk.action,
        outcomes: await history.cardOutcomes(hot, now - 30 * DAY, 1000),
        card: await history.attempts({ kind: 'card', value: hot }, now - 30 * DAY, 1000, 'RUB'),
        ip: await history.attempts({ kind: 'ip', value: ip }, now - 30 * DAY, 1000, 'RUB'),
        email: await history.attempts({ kind: 'email', value: email }, now - 30 * DAY, 1000, 'RUB'),
      };
    };
    const before = await check();
    assert.equal(before.action, 'block');
    assert.deepEqual(before.outcomes, { declined: 2, pending: 3 });
    assert.equal(before.card.count, 51);

    const pruner = t.gateway.container.resolve(RiskBucketPruner);
    let deleted = { buckets: 0, locks: 0 };
    let rounds = 0;
    for (;;) {
      const round = await pruner.pruneOnce();
      rounds++;
      deleted = { buckets: deleted.buckets + round.buckets, locks: deleted.locks + round.locks };
      if (round.buckets + round.locks === 0) break;
    }
    assert.equal(rounds, 2, 'one round deletes everything of this size; the next finds nothing');
    assert.deepEqual(deleted, { buckets: old.length, locks: gone.length + 1 });

    const left = await t.gateway.db('risk_key_buckets').where({ merchant_id: m.id }).count({ n: '*' }).first();
    assert.equal(Number(left?.n), buckets.length);
    const oldest = await t.gateway.db('risk_key_buckets').where({ merchant_id: m.id }).min({ at: 'bucket_start' }).first();
    assert.ok(Number(oldest?.at) >= now - 30 * DAY - MINUTE);
    const locks = (await t.gateway.db('risk_key_locks').where({ merchant_id: m.id }).select('key_hash')).map((r: { key_hash: string }) => r.key_hash);
    assert.deepEqual(locks.sort(), [...hotKeys, fresh, merchantWide].sort());

    assert.deepEqual(await check(), before);
  });

  it('keeps a bucket at the edge of the longest window, and runs as an exclusive hourly job of the scheduler', async () => {
    const m = await t.createMerchant();
    const now = clock.now();
    const key = keyHashOf('card', 'edge');
    const edge = now - 30 * DAY; // still inside a 30-day window started a moment ago
    await t.gateway.db('risk_key_buckets').insert([bucket(m.id, key, edge), bucket(m.id, key, edge - 2 * MINUTE - 1)]);
    await t.gateway.db('risk_key_locks').insert(lock(m.id, key, now - 31 * DAY));
    const job = coreJobs(t.gateway.container, 5000).find((j) => j.name === 'risk bucket prune');
    assert.ok(job !== undefined);
    assert.equal(job.concurrency ?? 'exclusive', 'exclusive');
    assert.equal(job.runAtStart, false);
    assert.equal(job.intervalMs, 3_600_000);
    assert.ok(Number(await job.run(new AbortController().signal)) >= 1);
    const rows = await t.gateway.db('risk_key_buckets').where({ merchant_id: m.id }).select('bucket_start');
    assert.deepEqual(
      rows.map((r: { bucket_start: number | string }) => Number(r.bucket_start)),
      [edge - (edge % MINUTE)],
    );
    assert.equal((await t.gateway.db('risk_key_locks').where({ merchant_id: m.id, key_hash: key })).length, 1, 'its key still has a bucket');
  });
});
