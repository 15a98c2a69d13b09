import assert from 'node:assert/strict';
import { AttemptLimiter, AttemptRule, Database, FixedClock, clientAddressSubject, createDatabase, migrateToLatest } from '@tender/core';
import { TestDatabase, createTestDatabase } from '../support/test-database';

const rule = (overrides: Partial<AttemptRule> = {}): AttemptRule => ({
  purpose: 'test_attempts',
  attempts: 5,
  windowMs: 60_000,
  lockMs: 120_000,
  onSuccess: 'clear',
  ...overrides,
});

/**
 * The gateway's attempt limiter on its own, against the database of this run (SQLite or
 * MariaDB). "Two processes" are two independent connection pools on one database, each
 * with its own limiter, as two gateway processes would have.
 */
describe('security: the attempt limiter holds under concurrency, across processes', function () {
  this.timeout(60_000);
  const clock = new FixedClock(Date.parse('2026-06-01T10:00:00Z'));
  let database: TestDatabase;
  let first: Database;
  let second: Database;
  let a: AttemptLimiter;
  let b: AttemptLimiter;

  before(async () => {
    database = await createTestDatabase();
    first = createDatabase(database.config);
    await migrateToLatest(first);
    second = createDatabase(database.config);
    a = new AttemptLimiter(first, clock);
    b = new AttemptLimiter(second, clock);
  });
  after(async () => {
    await first.destroy();
    await second.destroy();
    await database.drop();
  });

  it('lets exactly the limit through of 200 attempts sent at once from two processes', async () => {
    const r = rule({ purpose: 'test_burst', attempts: 7 });
    const decisions = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).reserve([{ rule: r, subject: 'victim@example.com' }])));
    assert.equal(decisions.filter((d) => d.allowed).length, 7);
    const row = await first('attempt_counters').where({ purpose: 'test_burst' }).first();
    assert.equal(Number(row!.attempts), 7);
    assert.ok(row!.locked_until !== null, 'the attempt that took the last one set the lock');
    assert.equal(JSON.stringify(row).includes('victim'), false, 'the subject is stored hashed');
  });

  it('locks for lockMs after the last attempt, then starts a new window', async () => {
    const r = rule({ purpose: 'test_lock', attempts: 2, windowMs: 60_000, lockMs: 120_000 });
    const s = [{ rule: r, subject: 'x' }];
    assert.ok((await a.reserve(s)).allowed);
    clock.advance(10_000);
    assert.ok((await b.reserve(s)).allowed);
    const refused = await a.reserve(s);
    assert.ok(!refused.allowed && refused.until === clock.now() + 120_000);
    clock.advance(90_000); // the window is over, the lock is not
    assert.equal((await b.reserve(s)).allowed, false);
    clock.advance(30_000);
    assert.ok((await a.reserve(s)).allowed, 'a new window');
  });

  it("gives an attempt back by each rule's onSuccess: clear, release or keep", async () => {
    const clear = rule({ purpose: 'test_clear', attempts: 3 });
    const release = rule({ purpose: 'test_release', attempts: 3, onSuccess: 'release' });
    const keep = rule({ purpose: 'test_keep', attempts: 3, onSuccess: 'keep' });
    for (const r of [clear, release, keep]) {
      await a.reserve([{ rule: r, subject: 's' }]);
      await a.reserve([{ rule: r, subject: 's' }]);
      const third = await a.reserve([{ rule: r, subject: 's' }]);
      assert.ok(third.allowed);
      await a.succeeded(third.ticket);
    }
    const attempts = async (purpose: string): Promise<number> => Number((await first('attempt_counters').where({ purpose }).first())?.attempts ?? 0);
    assert.equal(await attempts('test_clear'), 0);
    assert.equal(await attempts('test_release'), 2);
    assert.equal(await attempts('test_keep'), 3);
    assert.equal((await a.reserve([{ rule: keep, subject: 's' }])).allowed, false);
    assert.equal((await a.reserve([{ rule: release, subject: 's' }])).allowed, true, 'the released attempt (and its lock) is free again');
  });

  it('is all or nothing: an attempt refused by one limit counts against none', async () => {
    const perAccount = rule({ purpose: 'test_account', attempts: 10 });
    const perAddress = rule({ purpose: 'test_address', attempts: 1 });
    assert.ok(
      (
        await a.reserve([
          { rule: perAccount, subject: 'acct' },
          { rule: perAddress, subject: 'addr' },
        ])
      ).allowed,
    );
    for (let i = 0; i < 5; i++)
      assert.equal(
        (
          await b.reserve([
            { rule: perAccount, subject: 'acct' },
            { rule: perAddress, subject: 'addr' },
          ])
        ).allowed,
        false,
      );
    assert.equal(Number((await first('attempt_counters').where({ purpose: 'test_account' }).first())!.attempts), 1);
  });

  it('counts IPv4-mapped addresses as IPv4 and an IPv6 address with its /64', () => {
    assert.equal(clientAddressSubject('::ffff:192.0.2.7'), clientAddressSubject('192.0.2.7'));
    assert.equal(clientAddressSubject('2001:db8:1:2:aaaa::1'), clientAddressSubject('2001:0db8:0001:0002:ffff:ffff:ffff:fffe'));
    assert.notEqual(clientAddressSubject('2001:db8:1:2::1'), clientAddressSubject('2001:db8:1:3::1'));
    assert.equal(clientAddressSubject('::1'), 'ip:0:0:0:0::/64');
    assert.equal(clientAddressSubject('64:ff9b::192.0.2.1'), 'ip:64:ff9b:0:0::/64');
    assert.equal(clientAddressSubject(undefined), 'ip:unknown');
  });

  it('refuses a rule it cannot keep', async () => {
    await assert.rejects(a.reserve([{ rule: rule({ purpose: 'Bad Purpose' }), subject: 'x' }]), /invalid/);
    await assert.rejects(a.reserve([{ rule: rule({ windowMs: 2 * 24 * 3600_000 }), subject: 'x' }]), /invalid/);
  });
});
