import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { ApiKeyService } from '@tender/core/dist/merchants/api-keys';
import { BankConnectionRepository } from '@tender/core/dist/banks/bank-connection';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, card } from '../support/merchant-client';
import { GatewayChild } from '../support/gateway-child';
import { plugin as probePlugin } from '../support/shared-state-probe';

/**
 * Two real gateway processes (`tender start`, each its own OS process) on one database
 * behave as one (issue 24 item 2): a breaker opened by one is respected by the other, a
 * rate limit counts the requests of both, and an exclusive background job runs in one
 * process at a time and is taken over when its holder is killed with SIGKILL.
 *
 * The in-process gateway only sets the database up (merchant, live key, bank
 * connections); it serves nothing and runs no jobs. Bank "alpha" is the sandbox behind
 * a switch (test/support/shared-state-probe.ts): down as seen from process A, up from
 * process B; "beta" is the sandbox.
 */
describe('several gateway processes on one database share their state', function () {
  this.timeout(180_000);
  let t: TestGateway;
  let a: GatewayChild;
  let b: GatewayChild;
  let liveKey = '';
  let env: Record<string, string> = {};
  const connections: Record<string, string> = {};
  const probe = path.resolve(__dirname, '../support/shared-state-probe.js');

  const pay = async (url: string, amount: number): Promise<{ id: string; status: string }> => {
    const created = await request(url)
      .post('/v1/payments')
      .set('Authorization', `Bearer ${liveKey}`)
      .send({ amount, currency: 'RUB', order_id: `o-${amount}-${Math.random()}` })
      .expect(201);
    const confirmed = await request(url)
      .post(`/v1/payments/${created.body.id as string}/confirm`)
      .set('Authorization', `Bearer ${liveKey}`)
      .send(card(CARDS.visa));
    assert.equal(confirmed.status, 200, `confirm answered ${confirmed.status} ${JSON.stringify(confirmed.body)}\n--- A:\n${a.logs()}\n--- B:\n${b.logs()}`);
    return confirmed.body;
  };
  const approved = (status: string): boolean => status === 'authorized' || status === 'captured';
  const banksTried = async (url: string, id: string): Promise<string[]> =>
    ((await request(url).get(`/v1/payments/${id}/attempts`).set('Authorization', `Bearer ${liveKey}`).expect(200)).body.data as Array<{ bank: string }>).map(
      (x) => x.bank,
    );
  const breakerIn = async (url: string, bank: string): Promise<string> => {
    const data = (await request(url).get('/admin/v1/routing/health').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200)).body.data as Array<{
      connectionId: string;
      state: string;
    }>;
    return data.find((d) => d.connectionId === connections[bank])?.state ?? 'closed';
  };
  const until = async (what: string, check: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 300; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail(`never happened: ${what}\n--- A:\n${a.logs()}\n--- B:\n${b.logs()}`);
  };

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, probePlugin], dashboard: false });
    const merchant = await t.createMerchant();
    const now = Date.now();
    await t.gateway.db('merchants').where({ id: merchant.id }).update({ stage: 'live', live_at: now });
    liveKey = (await t.gateway.container.resolve(ApiKeyService).issue(t.gateway.db, { merchantId: merchant.id, livemode: true, kind: 'secret' })).key;
    const repo = t.gateway.container.resolve(BankConnectionRepository);
    const base = { merchantId: merchant.id, livemode: true, currencies: ['RUB'] };
    connections.alpha = (
      await repo.create(t.gateway.db, { ...base, bankCode: 'alpha', adapterCode: 'switchable', bankMerchantId: 'ALPHA-M-1', terminalId: 'TA000001' }, now)
    ).id;
    connections.beta = (
      await repo.create(t.gateway.db, { ...base, bankCode: 'beta', adapterCode: 'sandbox', bankMerchantId: 'BETA-M-1', terminalId: 'TB000001' }, now + 1)
    ).id;
    const config = t.database.config;
    env = {
      DATABASE_URL: config.client === 'sqlite' ? `sqlite:${config.filename}` : config.url,
      TENDER_MASTER_KEY: t.gateway.config.masterKey ?? '',
      TENDER_ADMIN_TOKEN: ADMIN_TOKEN,
      TENDER_PLUGINS: `@tender/adapter-sandbox,${probe}`,
    };
    [a, b] = await Promise.all([GatewayChild.start({ ...env, PROBE_BANK_DOWN: '1' }), GatewayChild.start(env)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await t?.close();
  });

  it('a breaker opened by one process is open in the other, which skips the bank without calling it', async () => {
    for (let i = 0; i < 10 && (await breakerIn(a.url, 'alpha')) !== 'open'; i++)
      assert.ok(approved((await pay(a.url, 100 + i)).status), 'A fails over to beta');
    assert.equal(await breakerIn(a.url, 'alpha'), 'open');
    await until('process B sees the breaker open', async () => (await breakerIn(b.url, 'alpha')) === 'open');
    const inB = await pay(b.url, 500);
    assert.ok(approved(inB.status));
    assert.deepEqual(await banksTried(b.url, inB.id), ['beta'], 'B leaves alpha out although alpha answers B');
  });

  it('a rate limit counts the requests of both processes', async () => {
    const apply = (url: string, i: number) =>
      request(url)
        .post('/v1/applications')
        .send({ name: `Shop ${i}`, email: `s${i}@example.com` });
    for (let i = 0; i < 20; i++) assert.equal((await apply(i % 2 === 0 ? a.url : b.url, i)).status, 201, `application ${i}`);
    // 10 through each process: in-memory limits of 20 would let both of these through.
    const refusedA = await apply(a.url, 20);
    const refusedB = await apply(b.url, 21);
    assert.equal(refusedA.status, 429);
    assert.equal(refusedB.status, 429);
    assert.equal(refusedB.body.error.code, 'rate_limited');
  });

  it('runs an exclusive job in one process at a time, and the other takes it over when its holder is killed', async () => {
    // A fresh pair with the probe job (its lease claims every 100 ms would otherwise run beside the payments above:
    // on SQLite a payment's transaction in one process is refused, not delayed, by another process's write).
    await Promise.all([a.stop(), b.stop()]);
    [a, b] = await Promise.all([GatewayChild.start({ ...env, PROBE_JOB: '1' }), GatewayChild.start({ ...env, PROBE_JOB: '1' })]);
    const runs = async () =>
      await t.gateway
        .db('probe_runs')
        .orderBy('started_at', 'asc')
        .orderBy('id', 'asc')
        .select<Array<{ pid: number; started_at: number | string; ended_at: number | string | null }>>('pid', 'started_at', 'ended_at');
    await until('the job ran', async () => (await runs()).some((r) => r.ended_at !== null));
    // Kill the process running a round right now: its lease is held and its round never ends.
    let holder: GatewayChild | undefined;
    await until('a round is running', async () => {
      const running = (await runs()).find((r) => r.ended_at === null);
      holder = running === undefined ? undefined : [a, b].find((p) => p.pid === running.pid);
      return holder !== undefined;
    });
    const survivor = holder === a ? b : a;
    await holder!.kill();
    const killedAt = (await runs()).length;
    await until(
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
