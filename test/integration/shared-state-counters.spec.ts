import assert from 'node:assert/strict';
import { RateCounter } from '@tender/core/dist/attempts/rate-counter';
import { JobLeases } from '@tender/core/dist/scheduling/job-leases';
import { SharedBreakers } from '@tender/core/dist/routing/shared-breakers';
import { BREAKER, ConnectionHealth, FixedClock } from '@tender/core';
import { LOGGER, Logger } from '@tender/core/dist/logging/logger';
import { TestGateway, startTestGateway } from '../support/test-gateway';

/**
 * The database-held pieces of shared state under concurrent use on one pool (the
 * two-process behaviour is in shared-state-processes.spec and shared-breaker-probe.spec):
 * limits are never exceeded, a lease has one holder, a breaker transition made by
 * "another process" is adopted, a half-open breaker's probe has one claimant. The
 * "processes" of the probe tests are ConnectionHealth + SharedBreakers pairs on one
 * pool, each with its own controlled clock (BREAKER.openMs is 30 s).
 */
describe('shared state: rate counters, job leases and breaker rows under concurrency', function () {
  let t: TestGateway;
  before(async () => {
    t = await startTestGateway({ dashboard: false });
  });
  after(async () => t.close());

  it('lets exactly the limit through when 40 hits arrive at once, and refuses the rest without counting them', async () => {
    const counter = t.gateway.container.resolve(RateCounter);
    const limit = { name: 'test_burst', limit: 10, windowMs: 3_600_000 };
    const now = Date.UTC(2026, 11, 5, 12, 0);
    const results = await Promise.all(Array.from({ length: 40 }, () => counter.hit(limit, 'ip:192.0.2.1', now)));
    assert.equal(results.filter(Boolean).length, 10);
    const rows = await t.gateway.db('rate_counters').where({ name: 'test_burst' });
    assert.equal(rows.length, 1);
    assert.equal(Number(rows[0].hits), 10);
    assert.notEqual(rows[0].subject_hash, 'ip:192.0.2.1', 'the address is stored hashed');
    // The next window starts from zero; another subject has its own count.
    assert.equal(await counter.hit(limit, 'ip:192.0.2.1', now + 3_600_000), true);
    assert.equal(await counter.hit(limit, 'ip:192.0.2.2', now), true);
  });

  it('refuses a malformed limit instead of counting under it', async () => {
    const counter = t.gateway.container.resolve(RateCounter);
    await assert.rejects(counter.hit({ name: "x'; DROP TABLE rate_counters; --", limit: 1, windowMs: 1000 }, 's'), /invalid/);
    await assert.rejects(counter.hit({ name: 'ok', limit: 0, windowMs: 1000 }, 's'), /invalid/);
  });

  it('gives a job lease to one of many claimants at once, and to another only once it is freed', async () => {
    const holders = Array.from({ length: 8 }, (_, i) => ({ leases: new JobLeases(t.gateway.db), name: `proc-${i}` }));
    const claims = await Promise.all(holders.map((h) => h.leases.claim('contended job', h.name, 60_000, { firstRunAt: Date.now() })));
    assert.equal(claims.filter(Boolean).length, 1);
    const winner = holders[claims.indexOf(true)];
    const other = holders.find((h) => h !== winner)!;
    assert.equal(await other.leases.claim('contended job', other.name, 60_000, { firstRunAt: Date.now() }), false, 'held');
    assert.equal(await other.leases.renew('contended job', other.name, 60_000), false, 'only the holder renews');
    await winner.leases.finish('contended job', winner.name, Date.now());
    assert.equal(await other.leases.claim('contended job', other.name, 60_000, { firstRunAt: Date.now() }), true, 'freed and due');
    await other.leases.finish('contended job', other.name, Date.now() + 3_600_000);
    assert.equal(await winner.leases.claim('contended job', winner.name, 60_000, { firstRunAt: Date.now() }), false, 'not due for an hour');
  });

  it('adopts a breaker opened by another process at the next refresh, and a close after it', async () => {
    const health = t.gateway.container.resolve(ConnectionHealth);
    const shared = t.gateway.container.resolve(SharedBreakers);
    const openedAt = Date.now();
    await t.gateway
      .db('breaker_states')
      .insert({ connection_id: 'bcn_elsewhere', state: 'open', opened_at: openedAt, probing_since: null, version: 1, updated_at: Date.now() });
    assert.equal(health.state('bcn_elsewhere'), 'closed', 'not read yet');
    await shared.refresh();
    assert.notEqual(health.state('bcn_elsewhere'), 'closed');
    await t.gateway.db('breaker_states').where({ connection_id: 'bcn_elsewhere' }).update({ state: 'closed', version: 2, updated_at: Date.now() });
    await shared.refresh();
    assert.equal(health.state('bcn_elsewhere'), 'closed');
  });

  const processes = (start: number) => {
    const logger = t.gateway.container.resolve<Logger>(LOGGER);
    return [0, 1].map(() => {
      const clock = new FixedClock(start);
      const health = new ConnectionHealth(clock);
      return { clock, health, shared: new SharedBreakers(t.gateway.db, logger, health) };
    });
  };
  const openRow = async (id: string, openedAt: number) =>
    t.gateway.db('breaker_states').insert({ connection_id: id, state: 'open', opened_at: openedAt, probing_since: null, version: 1, updated_at: Date.now() });

  it("gives a half-open breaker's probe to one process, and to another only once the probe has had BREAKER.openMs to answer", async () => {
    const start = Date.now();
    const procs = processes(start);
    await openRow('bcn_probe_dies', start);
    for (const p of procs) await p.shared.refresh();
    for (const p of procs) p.clock.advance(BREAKER.openMs);
    const admitted = await Promise.all(procs.map((p) => p.health.admit('bcn_probe_dies')));
    assert.deepEqual([...admitted].sort(), ['probe', 'skip'], 'one claim wins');
    const prober = procs[admitted.indexOf('probe')];
    const other = procs[admitted.indexOf('skip')];
    // The prober's process dies: its probe never answers.
    other.clock.advance(BREAKER.openMs - 1);
    assert.equal(await other.health.admit('bcn_probe_dies'), 'skip', 'the probe may still answer');
    other.clock.advance(1);
    assert.equal(await other.health.admit('bcn_probe_dies'), 'probe', 'taken over');
    other.health.record('bcn_probe_dies', 'healthy', 10, 'probe');
    await other.shared.flush();
    const row = (await t.gateway.db('breaker_states').where({ connection_id: 'bcn_probe_dies' }).first()) as
      { state: string; probing_since: unknown } | undefined;
    assert.equal(row?.state, 'closed');
    assert.equal(row?.probing_since, null);
    await prober.shared.refresh();
    assert.equal(prober.health.state('bcn_probe_dies'), 'closed', "the taken-over probe's answer closes it everywhere");
  });

  it('gives the probe back when its answer says nothing about the connection, so another process probes next', async () => {
    const start = Date.now();
    const [first, second] = processes(start);
    await openRow('bcn_probe_ignored', start);
    for (const p of [first, second]) {
      await p.shared.refresh();
      p.clock.advance(BREAKER.openMs);
    }
    assert.equal(await first.health.admit('bcn_probe_ignored'), 'probe');
    first.health.record('bcn_probe_ignored', 'ignored', 10, 'probe');
    await first.shared.flush();
    assert.equal(await second.health.admit('bcn_probe_ignored'), 'probe');
    second.health.record('bcn_probe_ignored', 'failure', 10, 'probe');
    await second.shared.flush();
    await first.shared.refresh();
    assert.equal(first.health.state('bcn_probe_ignored'), 'open', 'the failed probe reopened it for both');
    assert.equal(await first.health.admit('bcn_probe_ignored'), 'skip');
  });
});
