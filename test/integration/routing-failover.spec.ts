import assert from 'node:assert/strict';
import request from 'supertest';
import { FixedClock, TenderPlugin, definePlugin } from '@tender/core';
import { ApiKeyService } from '@tender/core/dist/merchants/api-keys';
import { BankConnectionRepository } from '@tender/core/dist/banks/bank-connection';
import { BankRegistry } from '@tender/core';
import { BankReconciler } from '@tender/core/dist/payments/bank-reconciler';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { SwitchableBank } from '../support/switchable-bank';
import { ISO_LINK_MIGRATIONS, Iso8583BankAdapter } from '@tender/adapter-iso8583';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { BankSimProcess } from '../support/bank-sim-process';

/**
 * Bank "alpha" stands in for a bank Tender cannot reach from here: the sandbox's
 * answers, plus a switch that makes it fail technically (a bank that is down).
 * Bank "beta" is real: the ISO 8583 adapter over TCP to tender-bank-sim in its own process.
 */
describe('routing: rules, failover and the circuit breaker (live mode)', function () {
  let t: TestGateway;
  let sim: BankSimProcess;
  let shop: MerchantClient;
  const alpha = new SwitchableBank();
  const clock = new FixedClock(Date.UTC(2026, 10, 27, 6, 0));
  const admin = (method: 'get' | 'put', path: string) => request(t.gateway.app)[method](path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  const attempts = async (id: string) =>
    (await shop.get(`/v1/payments/${id}/attempts`).expect(200)).body.data as Array<{ bank: string; result: string; reason: string }>;
  const breakerOf = async (bank: string) => {
    const data = (await admin('get', '/admin/v1/routing/health').expect(200)).body.data as Array<{ connectionId: string; state: string }>;
    return data.find((d) => d.connectionId === connections[bank])?.state ?? 'closed';
  };
  const connections: Record<string, string> = {};
  let testKey = '';

  before(async () => {
    sim = await BankSimProcess.start();
    const plugins: TenderPlugin[] = [
      sandboxPlugin,
      definePlugin({ name: 'switchable', version: '0.0.0', coreRange: '*', setup: (ctx) => ctx.registerBankAdapter(alpha) }),
      definePlugin({
        name: 'iso-to-sim',
        version: '0.0.0',
        coreRange: '*',
        migrations: [...ISO_LINK_MIGRATIONS],
        setup: (ctx) =>
          ctx.registerBankAdapter(
            new Iso8583BankAdapter({ host: '127.0.0.1', port: sim.port, database: ctx.core.database, deadlineMs: 2_000, reconnectInitialMs: 50 }),
          ),
      }),
    ];
    t = await startTestGateway({ plugins, clock });
    const merchant = await t.createMerchant();
    testKey = merchant.key;
    // Stands in for onboarding (tested in onboarding-journey.spec): the merchant is live.
    await t.gateway.db('merchants').where({ id: merchant.id }).update({ stage: 'live', live_at: clock.now() });
    const live = await t.gateway.container.resolve(ApiKeyService).issue(t.gateway.db, { merchantId: merchant.id, livemode: true, kind: 'secret' });
    shop = new MerchantClient(t.gateway.app, live.key);
    const repo = t.gateway.container.resolve(BankConnectionRepository);
    const base = { merchantId: merchant.id, livemode: true, currencies: ['RUB'] };
    connections.alpha = (
      await repo.create(
        t.gateway.db,
        { ...base, bankCode: 'alpha', adapterCode: 'switchable', bankMerchantId: 'ALPHA-M-1', terminalId: 'TA000001' },
        clock.now(),
      )
    ).id;
    connections.beta = (
      await repo.create(
        t.gateway.db,
        { ...base, bankCode: 'beta', adapterCode: 'iso8583', bankMerchantId: 'BETA-M-1', terminalId: 'TB000001' },
        clock.now() + 1,
      )
    ).id;
  });
  after(async () => {
    await t.close();
    await sim.stop();
  });

  it('keeps operator rules as validated, versioned data; a bad PUT writes nothing', async () => {
    assert.equal((await admin('get', '/admin/v1/routing').expect(200)).body.version, 0);
    const bad = await admin('put', '/admin/v1/routing')
      .send({ rules: [{ id: 'x', priority: 1, match: { currencies: ['rub'] }, targets: [{ bank: 'alpha', weight: 1 }] }] })
      .expect(400);
    assert.equal(bad.body.error.param, 'rules.0.match.currencies.0');
    assert.equal((await admin('get', '/admin/v1/routing/versions').expect(200)).body.data.length, 0);
    const rules = [
      {
        id: 'rub',
        priority: 10,
        match: { currencies: ['RUB'] },
        targets: [
          { bank: 'alpha', weight: 1 },
          { bank: 'beta', weight: 1 },
        ],
      },
    ];
    await admin('put', '/admin/v1/routing').send({ rules: [] }).expect(200);
    const v2 = await admin('put', '/admin/v1/routing').send({ rules }).expect(200);
    assert.equal(v2.body.version, 2);
    const versions = (await admin('get', '/admin/v1/routing/versions').expect(200)).body.data as Array<{ version: number }>;
    assert.deepEqual(
      versions.map((v) => v.version),
      [2, 1],
    );
    // Back to order by contract (alpha, then beta) for the tests below: an empty rule set.
    await admin('put', '/admin/v1/routing').send({ rules: [] }).expect(200);
  });

  it('fails over to the next connection after a technical failure, and shows both attempts', async () => {
    alpha.down = true;
    const p = await shop.pay(CARDS.visa);
    assert.equal(p.status, 'captured');
    const tried = await attempts(p.id);
    assert.deepEqual(
      tried.map((a) => [a.bank, a.result]),
      [
        ['alpha', 'technical_failure'],
        ['beta', 'approved'],
      ],
    );
    assert.match(tried[0].reason, /no routing rule matched/);
    assert.equal(await sim.charged(CARDS.visa), 150000);
    alpha.down = false;
  });

  it('does not fail over after a decline, nor after an unknown outcome', async () => {
    const declined = await shop.pay(CARDS.doNotHonor);
    assert.equal(declined.status, 'declined');
    assert.deepEqual(
      (await attempts(declined.id)).map((a) => [a.bank, a.result]),
      [['alpha', 'declined']],
    );
    const unknown = await shop.pay(CARDS.timeout);
    assert.equal(unknown.status, 'processing');
    assert.deepEqual(
      (await attempts(unknown.id)).map((a) => [a.bank, a.result]),
      [['alpha', 'unknown']],
    );
  });

  it('opens the breaker of a failing bank, skips it, and probes it back after the pause', async () => {
    alpha.down = true;
    for (let i = 0; i < 10 && (await breakerOf('alpha')) !== 'open'; i++) assert.equal((await shop.pay(CARDS.visa, { amount: 100 })).status, 'captured');
    assert.equal(await breakerOf('alpha'), 'open');
    const skipped = await shop.pay(CARDS.visa, { amount: 200 });
    assert.deepEqual(
      (await attempts(skipped.id)).map((a) => a.bank),
      ['beta'],
      'alpha is left out while its breaker is open',
    );
    alpha.down = false;
    clock.advance(30_000);
    const probe = await shop.pay(CARDS.visa, { amount: 300 });
    assert.deepEqual(
      (await attempts(probe.id)).map((a) => [a.bank, a.result]),
      [['alpha', 'approved']],
    );
    assert.equal(await breakerOf('alpha'), 'closed');
  });

  it("applies a merchant BIN rule before the operator's, and captures and refunds through the ISO link", async () => {
    await shop.get('/v1/routing').expect(200);
    const put = await request(t.gateway.app)
      .put('/v1/routing')
      .set('Authorization', `Bearer ${shop.key}`)
      .send({ rules: [{ id: 'mir-to-beta', priority: 1, match: { bin_ranges: [{ from: '220000', to: '220499' }] }, targets: [{ bank: 'beta', weight: 1 }] }] })
      .expect(200);
    assert.equal(put.body.version, 1);
    const p = await shop.pay(CARDS.mir, { capture_method: 'manual', amount: 50_000 });
    assert.equal(p.status, 'authorized');
    const tried = await attempts(p.id);
    assert.deepEqual(
      tried.map((a) => a.bank),
      ['beta'],
    );
    assert.match(tried[0].reason, /merchant rule 'mir-to-beta'/);
    assert.equal((await shop.post(`/v1/payments/${p.id}/capture`, { amount: 40_000 }).expect(200)).body.status, 'captured');
    await shop.post('/v1/refunds', { payment_id: p.id, amount: 15_000 }).expect(201);
    assert.equal(await sim.charged(CARDS.mir), 25_000, 'captured 40 000, refunded 15 000: the bank agrees to the kopeck');
  });

  it('sends a capture whose answer was dropped again with the same STAN, and the bank applies it once', async () => {
    const p = await shop.pay(CARDS.mir, { capture_method: 'manual', amount: 12_000 });
    assert.equal(p.status, 'authorized');
    const before = await sim.charged(CARDS.mir);
    await sim.faults({ dropNext: 1 });
    const lost = await shop.post(`/v1/payments/${p.id}/capture`, { amount: 12_000 }).expect(502);
    assert.equal(lost.body.error.code, 'bank_outcome_unknown');
    await t.gateway.container.resolve(BankReconciler).run(-1);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'captured');
    assert.equal(await sim.charged(CARDS.mir), before + 12_000, "the retransmission was answered from the bank's record, not applied twice");
  });

  it('settles a payment in flight when the simulator is killed, and every payment ends definite with balances matching to the kopeck', async () => {
    await sim.faults({ lateNext: 1, lateByMs: 10_000 });
    const received = (await sim.state()).stats.received;
    const payment = await shop.createPayment({ amount: 7_777 });
    const confirm = shop.post(`/v1/payments/${payment.id}/confirm`, card(CARDS.mir));
    const answered = confirm.then((r) => r);
    for (let i = 0; i < 200 && (await sim.state()).stats.received === received; i++) await new Promise((r) => setTimeout(r, 25));
    await sim.kill();
    assert.equal((await answered).body.status, 'processing', 'no answer and no acknowledged reversal yet: unknown, not failed');
    await sim.spawn();
    const iso = t.gateway.container.resolve(BankRegistry).get('iso8583');
    for (let i = 0; i < 200 && !(await iso.health()).ok; i++) await new Promise((r) => setTimeout(r, 25));
    // The reconciler inquires; the adapter answers by reversing (0420) and reports the definite outcome.
    await t.gateway.container.resolve(BankReconciler).run(-1);
    const settled = (await shop.get(`/v1/payments/${payment.id}`).expect(200)).body;
    assert.equal(settled.status, 'failed');
    const [attempt] = (await shop.get(`/v1/payments/${payment.id}/attempts`).expect(200)).body.data as Array<{ result: string; operation_status: string }>;
    assert.deepEqual([attempt.result, attempt.operation_status], ['unknown', 'failed'], 'the attempt was unknown; its operation is settled now');

    const all = (await t.gateway.db('payments').where({ livemode: true })) as Array<{
      id: string;
      status: string;
      card_last4: string;
      amount_captured: number | string;
      amount_refunded: number | string;
    }>;
    const owed: Record<string, number> = {};
    for (const p of all) {
      assert.ok(!['pending', 'processing'].includes(p.status), `payment ${p.id} is still ${p.status}`);
      const approved = (await attempts(p.id)).filter((a) => a.result === 'approved');
      if (approved.at(-1)?.bank !== 'beta') continue;
      owed[p.card_last4] = (owed[p.card_last4] ?? 0) + Number(p.amount_captured) - Number(p.amount_refunded);
    }
    assert.equal(await sim.charged(CARDS.visa), owed['4242'] ?? 0);
    assert.equal(await sim.charged(CARDS.mir), owed['0004'] ?? 0);
    assert.equal((await sim.state()).accounts[CARDS.mir]?.held, 0, 'nothing left on hold');
  });

  it('sends test mode to the sandbox only, whatever the rules say', async () => {
    const testShop = new MerchantClient(t.gateway.app, testKey);
    const p = await testShop.pay(CARDS.visa);
    assert.deepEqual(
      (await (await testShop.get(`/v1/payments/${p.id}/attempts`).expect(200)).body.data).map((a: { bank: string; reason: string }) => [a.bank, a.reason]),
      [['sandbox', 'test mode uses the sandbox bank']],
    );
  });

  it("answers 404 for attempts of a payment that is not the caller's", async () => {
    await shop.get('/v1/payments/pay_doesnotexist/attempts').expect(404);
  });
});
