import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { OperatorClient, makeLive } from '../support/operator-client';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';

describe('isolation across merchants and modes, and suspension', function () {
  const bank = new StandInBankAdapter();
  let t: TestGateway;
  let op: OperatorClient;
  let a: { id: string; test: MerchantClient; live: MerchantClient };
  let b: { id: string; test: MerchantClient; live: MerchantClient };

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, standInBankPlugin(bank)] });
    op = new OperatorClient(t.gateway.app);
    await op.post('/admin/v1/banks', { code: 'standin', name: 'Stand-in Bank', adapter_code: 'standin-bank', currencies: ['RUB'] }).expect(201);
    const ma = await makeLive(t.gateway.app, 'Shop A', 'standin', 'TA000001');
    const mb = await makeLive(t.gateway.app, 'Shop B', 'standin', 'TB000001');
    a = { id: ma.id, test: new MerchantClient(t.gateway.app, ma.testKey), live: new MerchantClient(t.gateway.app, ma.liveKey) };
    b = { id: mb.id, test: new MerchantClient(t.gateway.app, mb.testKey), live: new MerchantClient(t.gateway.app, mb.liveKey) };
  });
  after(() => t.close());

  for (const mode of ['test', 'live'] as const) {
    it(`merchant B cannot read, capture, cancel, confirm, refund or list A's objects in ${mode} mode`, async () => {
      const mine = a[mode];
      const theirs = b[mode];
      const authorized = await mine.pay(CARDS.visa, { capture_method: 'manual' });
      const captured = await mine.pay(CARDS.visa);
      const refund = await mine.post('/v1/refunds', { payment_id: captured.id, amount: 100 }).expect(201);
      const pending = await mine.createPayment();
      const attempts = [
        theirs.get(`/v1/payments/${authorized.id}`),
        theirs.post(`/v1/payments/${authorized.id}/capture`),
        theirs.post(`/v1/payments/${authorized.id}/cancel`),
        theirs.post(`/v1/payments/${pending.id}/confirm`, card(CARDS.visa)),
        theirs.post('/v1/refunds', { payment_id: captured.id, amount: 100 }),
        theirs.get(`/v1/refunds/${refund.body.id}`),
      ];
      for (const res of await Promise.all(attempts)) {
        assert.equal(res.status, 404, JSON.stringify(res.body));
        assert.equal(res.body.error.code, 'resource_not_found');
      }
      const list = await theirs.get('/v1/payments?limit=100').expect(200);
      for (const p of list.body.data) assert.ok(![authorized.id, captured.id, pending.id].includes(p.id));
      assert.equal((await theirs.get(`/v1/refunds?payment_id=${captured.id}`).expect(404)).body.error.code, 'resource_not_found');
      assert.equal((await mine.get(`/v1/payments/${authorized.id}`)).body.status, 'authorized');
    });
  }

  it("test keys never touch live objects and live keys never touch test objects (404), even the same merchant's", async () => {
    const live = await a.live.pay(CARDS.visa, { capture_method: 'manual' });
    const test = await a.test.pay(CARDS.visa, { capture_method: 'manual' });
    for (const res of [
      await a.test.get(`/v1/payments/${live.id}`),
      await a.test.post(`/v1/payments/${live.id}/capture`),
      await a.test.post('/v1/refunds', { payment_id: live.id, amount: 1 }),
      await a.live.get(`/v1/payments/${test.id}`),
      await a.live.post(`/v1/payments/${test.id}/cancel`),
    ]) {
      assert.equal(res.status, 404, JSON.stringify(res.body));
    }
    assert.equal((await a.live.get(`/v1/payments/${live.id}`)).body.status, 'authorized');
    const testList = await a.test.get('/v1/payments?limit=100').expect(200);
    assert.ok(testList.body.data.every((p: { livemode: boolean }) => !p.livemode));
    // Keys are per mode too: a live key lists live keys only.
    const liveKeys = await a.live.get('/v1/api_keys').expect(200);
    assert.ok(liveKeys.body.data.length > 0 && liveKeys.body.data.every((k: { livemode: boolean }) => k.livemode));
    // Live payments went to each merchant's own terminal.
    assert.ok(bank.authorizations.length > 0);
    for (const req of bank.authorizations) {
      const payment = await t.gateway.db('payments').where({ id: req.paymentId }).first();
      assert.equal(req.connection.terminalId, payment!.merchant_id === a.id ? 'TA000001' : 'TB000001');
    }
  });

  it('refuses a suspended merchant in both modes with merchant_suspended, keeps its data, and resumes where it was', async () => {
    const kept = await b.live.pay(CARDS.visa);
    const suspended = await op.post(`/admin/v1/merchants/${b.id}/suspend`, { reason: 'chargebacks under review' }).expect(200);
    assert.equal(suspended.body.stage, 'suspended');
    assert.equal(suspended.body.resume_stage, 'live');
    for (const res of [
      await b.live.post('/v1/payments', { amount: 100, currency: 'RUB', order_id: 'o' }),
      await b.test.post('/v1/payments', { amount: 100, currency: 'RUB', order_id: 'o' }),
      await b.test.get('/v1/account/onboarding'),
      await b.live.get('/v1/api_keys'),
    ]) {
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'merchant_suspended');
    }
    // Its payments can still be read (and canceled or refunded: test/security/merchant-standing.spec).
    await b.live.get(`/v1/payments/${kept.id}`).expect(200);
    assert.equal((await op.post(`/admin/v1/merchants/${b.id}/go_live`).expect(403)).body.error.code, 'merchant_suspended');
    assert.equal((await op.post(`/admin/v1/merchants/${b.id}/suspend`).expect(403)).body.error.code, 'merchant_suspended');
    // A is unaffected.
    await a.live.get('/v1/payments').expect(200);
    const listed = await op.get('/admin/v1/merchants?stage=suspended').expect(200);
    assert.deepEqual(
      listed.body.data.map((m: { id: string }) => m.id),
      [b.id],
    );

    const resumed = await op.post(`/admin/v1/merchants/${b.id}/resume`).expect(200);
    assert.equal(resumed.body.stage, 'live');
    assert.equal((await b.live.get(`/v1/payments/${kept.id}`).expect(200)).body.status, 'captured');
    await op.post(`/admin/v1/merchants/${b.id}/resume`).expect(409);
    const events = await t.gateway.db('events').where({ merchant_id: b.id, object_type: 'merchant' }).orderBy('seq', 'desc').limit(2);
    assert.deepEqual(
      events.map((e: { type: string }) => e.type),
      ['merchant.resumed', 'merchant.suspended'],
    );
  });

  it('never lets a public application or a merchant key reach the operator API', async () => {
    await request(t.gateway.app).get('/admin/v1/merchants').set('Authorization', `Bearer ${a.live.key}`).expect(401);
    await request(t.gateway.app).get('/admin/v1/audit').expect(401);
  });
});
