import assert from 'node:assert/strict';
import request from 'supertest';
import { TOKEN_RATE_LIMIT } from '@tender/core/dist/elements/token.routes';
import { APPLICATION_RATE_LIMIT } from '@tender/core/dist/http/api/applications.routes';
import { CARDS } from '../support/merchant-client';
import { GatewayChild } from '../support/gateway-child';
import { GatewayPair, approved } from '../support/gateway-pair';

/**
 * Two real gateway processes (`tender start`, each its own OS process) on one database
 * behave as one (issue 24 item 2): a breaker opened by one is respected by the other,
 * rate limits (sign-ups, card tokens) count the requests of both, payments made through
 * both at once all succeed (on SQLite: transactions queue for the file's write lock),
 * and an exclusive background job runs in one process at a time and is taken over when
 * its holder is killed with SIGKILL.
 *
 * The pair is test/support/gateway-pair.ts: bank "alpha" is the sandbox behind a switch
 * (test/support/shared-state-probe.ts), down as seen from process A, up from process
 * B; "beta" is the sandbox.
 */
describe('several gateway processes on one database share their state', function () {
  this.timeout(180_000);
  let pair: GatewayPair;

  before(async () => {
    pair = await GatewayPair.start({ a: { PROBE_BANK_DOWN: '1' }, b: {} });
  });
  after(async () => {
    await pair?.close();
  });

  it('a breaker opened by one process is open in the other, which skips the bank without calling it', async () => {
    for (let i = 0; i < 10 && (await pair.breakerIn(pair.a.url, 'alpha')) !== 'open'; i++)
      assert.ok(approved((await pair.pay(pair.a.url, 100 + i)).status), 'A fails over to beta');
    assert.equal(await pair.breakerIn(pair.a.url, 'alpha'), 'open');
    await pair.until('process B sees the breaker open', async () => (await pair.breakerIn(pair.b.url, 'alpha')) === 'open');
    const inB = await pair.pay(pair.b.url, 500);
    assert.ok(approved(inB.status));
    assert.deepEqual(
      (await pair.attempts(inB.id)).map((x) => x.bank),
      ['beta'],
      'B leaves alpha out although alpha answers B',
    );
  });

  it('a rate limit counts the requests of both processes', async () => {
    // The limit is per fixed hour: a run that starts in an hour's last minute waits for
    // the next one, so the 22 applications do not straddle two windows.
    const intoWindow = Date.now() % APPLICATION_RATE_LIMIT.windowMs;
    if (intoWindow > APPLICATION_RATE_LIMIT.windowMs - 60_000)
      await new Promise((resolve) => setTimeout(resolve, APPLICATION_RATE_LIMIT.windowMs - intoWindow + 50));
    const apply = (url: string, i: number) =>
      request(url)
        .post('/v1/applications')
        .send({ name: `Shop ${i}`, email: `s${i}@example.com` });
    for (let i = 0; i < 20; i++) assert.equal((await apply(i % 2 === 0 ? pair.a.url : pair.b.url, i)).status, 201, `application ${i}`);
    // 10 through each process: in-memory limits of 20 would let both of these through.
    const refusedA = await apply(pair.a.url, 20);
    const refusedB = await apply(pair.b.url, 21);
    assert.equal(refusedA.status, 429);
    assert.equal(refusedB.status, 429);
    assert.equal(refusedB.body.error.code, 'rate_limited');
  });

  it('a card-token limit counts the tokens of both processes: together they reach it at the count one process would', async () => {
    // The limit is per fixed minute: start early in one, so the 30 tokens do not straddle two windows.
    const intoWindow = Date.now() % TOKEN_RATE_LIMIT.windowMs;
    if (intoWindow > TOKEN_RATE_LIMIT.windowMs / 2) await new Promise((resolve) => setTimeout(resolve, TOKEN_RATE_LIMIT.windowMs - intoWindow + 50));
    const tokenize = (url: string) =>
      request(url)
        .post('/v1/tokens')
        .set('Authorization', `Bearer ${pair.publishableKey}`)
        .send({ card: { number: CARDS.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' } });
    for (let i = 0; i < TOKEN_RATE_LIMIT.limit; i++) {
      const made = await tokenize(i % 2 === 0 ? pair.a.url : pair.b.url);
      assert.equal(made.status, 201, `token ${i}: ${JSON.stringify(made.body)}`);
    }
    // 15 through each process: an in-memory limit of 30 per process would let both of these through.
    for (const url of [pair.a.url, pair.b.url]) {
      const refused = await tokenize(url);
      assert.equal(refused.status, 429);
      assert.equal(refused.body.error.code, 'rate_limited');
    }
  });

  it('payments made through both processes at once all succeed (on SQLite, one writer at a time: they queue, none is refused)', async () => {
    const paid = await Promise.all(Array.from({ length: 40 }, (_, i) => pair.pay(i % 2 === 0 ? pair.a.url : pair.b.url, 1000 + i)));
    for (const p of paid) assert.ok(approved(p.status), `payment ${JSON.stringify(p)}`);
    assert.equal(new Set(paid.map((p) => p.id)).size, 40);
  });

  it('runs an exclusive job in one process at a time, and the other takes it over when its holder is killed', async () => {
    // A fresh pair with the probe job, so its lease claims every 100 ms do not run beside the payments above.
    await pair.restart({ a: { PROBE_JOB: '1' }, b: { PROBE_JOB: '1' } });
    const { a, b } = pair;
    const runs = async () =>
      await pair.t.gateway
        .db('probe_runs')
        .orderBy('started_at', 'asc')
        .orderBy('id', 'asc')
        .select<Array<{ pid: number; started_at: number | string; ended_at: number | string | null }>>('pid', 'started_at', 'ended_at');
    await pair.until('the job ran', async () => (await runs()).some((r) => r.ended_at !== null));
    // Kill the process running a round right now: its lease is held and its round never ends.
    let holder: GatewayChild | undefined;
    await pair.until('a round is running', async () => {
      const running = (await runs()).find((r) => r.ended_at === null);
      holder = running === undefined ? undefined : [a, b].find((p) => p.pid === running.pid);
      return holder !== undefined;
    });
    const survivor = holder === a ? b : a;
    await holder!.kill();
    const killedAt = (await runs()).length;
    await pair.until(
      'the survivor ran the job twice more',
      async () => (await runs()).slice(killedAt).filter((r) => r.pid === survivor.pid && r.ended_at !== null).length >= 2,
    );
    const all = await runs();
    const finished = all.filter((r) => r.ended_at !== null);
    for (let i = 1; i < finished.length; i++) {
      assert.ok(
        Number(finished[i].started_at) >= Number(finished[i - 1].ended_at),
        `round ${i} (pid ${finished[i].pid}) overlapped the one before (pid ${finished[i - 1].pid})`,
      );
    }
    const dead = all.filter((r) => r.ended_at === null && r.pid === holder!.pid);
    assert.equal(dead.length, 1, 'the killed round stays unfinished');
    assert.ok(
      finished.filter((r) => Number(r.started_at) > Number(dead[0].started_at)).every((r) => r.pid === survivor.pid),
      'after the kill only the survivor runs the job',
    );
    const next = finished.find((r) => Number(r.started_at) > Number(dead[0].started_at));
    // The killed round would have lasted 300 ms: the survivor waited for its lease instead of running alongside it.
    assert.ok(Number(next!.started_at) >= Number(dead[0].started_at) + 300, 'the survivor took the job over only after the lease');
  });
});
