import assert from 'node:assert/strict';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { FixedClock } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { AssistPushSender, createAssistPlugin } from '@tender/plugin-assist-compat';
import request from 'supertest';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { enableAssist } from '../support/assist-shop';
import { OperatorClient, makeLive } from '../support/operator-client';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';

/**
 * The push sender driven round by round (runOnce) under a fixed clock: retries, giving
 * up, and the watermark. The shop is a real server on a loopback port.
 */
describe('Assist result push: retries, giving up, watermark', function () {
  let t: TestGateway;
  let server: http.Server;
  let answer = '<pushpaymentresult firstcode="1" secondcode="5"></pushpaymentresult>';
  let received = 0;
  const clock = new FixedClock(Date.parse('2026-11-20T10:00:00Z'));
  let api: MerchantClient;
  let sender: AssistPushSender;

  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received++;
        res.writeHead(200, { 'Content-Type': 'application/xml' }).end(answer);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t = await startTestGateway({
      clock,
      plugins: [sandboxPlugin, createAssistPlugin({ retryBaseMs: 1000, maxAttempts: 3 })],
      env: { TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' },
    });
    const merchant = await t.createMerchant();
    api = new MerchantClient(t.gateway.app, merchant.key);
    await enableAssist(t.gateway.app, merchant.id, { result_url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/result` });
    sender = t.gateway.container.resolve(AssistPushSender);
  });
  after(async () => {
    await t.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('retries with backoff and gives up after maxAttempts', async () => {
    const payment = await api.pay(CARDS.visa);
    assert.equal(await sender.runOnce(), 0);
    assert.equal(received, 1);
    assert.equal(await sender.runOnce(), 0, 'not due before the backoff has passed');
    assert.equal(received, 1);
    clock.advance(1000);
    await sender.runOnce();
    assert.equal(received, 2);
    clock.advance(1999);
    await sender.runOnce();
    assert.equal(received, 2, 'the second retry waits twice as long');
    clock.advance(1);
    await sender.runOnce();
    assert.equal(received, 3);
    const push = await t.gateway.db('assist_pushes').where({ payment_id: payment.id }).first();
    assert.equal(push.status, 'failed');
    assert.equal(Number(push.attempts), 3);
    assert.match(String(push.last_error), /pushpaymentresult/);
    clock.advance(3600_000);
    await sender.runOnce();
    assert.equal(received, 3, 'a failed push is not sent again');
  });

  it("delivers a payment's pushes in order once the shop accepts, and moves the watermark past settled events", async () => {
    answer = '<?xml version="1.0"?><pushpaymentresult firstcode="0" secondcode="0"></pushpaymentresult>';
    const payment = await api.pay(CARDS.visa, { capture_method: 'manual' });
    await api.post(`/v1/payments/${payment.id}/capture`, { amount: 1000 }).expect(200);
    const before = received;
    assert.equal(await sender.runOnce(), 2);
    assert.equal(received, before + 2);
    const pushes = await t.gateway.db('assist_pushes').where({ payment_id: payment.id }).orderBy('seq');
    assert.deepEqual(
      pushes.map((p: { status: string }) => p.status),
      ['delivered', 'delivered'],
    );

    const last = await t.gateway.db('events').max({ seq: 'seq' }).first();
    clock.advance(11 * 60_000);
    assert.equal(await sender.runOnce(), 0);
    const settings = await t.gateway.db('assist_merchants').first();
    assert.equal(Number(settings.events_after_seq), Number(last?.seq));
  });

  it("reads the shop's answer as XML: attributes in any order and either quote are accepted; look-alikes are retried", async () => {
    const refusedAnswers = [
      '<html><body>pushpaymentresult firstcode="0" secondcode="0"</body></html>',
      '<!-- <pushpaymentresult firstcode="0" secondcode="0"/> --><ok/>',
      '<pushpaymentresult firstcode="0"></pushpaymentresult>',
      '<pushpaymentresult firstcode="0" secondcode="0">',
      '<pushpaymentresult firstcode="00" secondcode="1"/>',
    ];
    for (const refusal of refusedAnswers) {
      answer = refusal;
      const payment = await api.pay(CARDS.visa);
      const before = received;
      assert.equal(await sender.runOnce(), 0, refusal);
      assert.equal(received, before + 1);
      const push = await t.gateway.db('assist_pushes').where({ payment_id: payment.id }).first();
      assert.equal(push.status, 'pending', 'retried later');
      // Accepted on the retry, with the attributes the other way round: delivered once, never again.
      answer = `<?xml version='1.0' encoding='UTF-8'?>\n<pushpaymentresult secondcode='0' firstcode='0'>\n  <order><billnumber>${payment.id}</billnumber></order>\n</pushpaymentresult>`;
      clock.advance(1000);
      assert.equal(await sender.runOnce(), 1);
      clock.advance(3600_000);
      const after = received;
      await sender.runOnce();
      assert.equal(received, after, 'a delivered push is not sent again');
      assert.equal((await t.gateway.db('assist_pushes').where({ payment_id: payment.id }).first()).status, 'delivered');
    }
  });
});

/**
 * The push goes through the gateway's guarded outbound client: a result URL whose
 * name later resolves to a private address (DNS rebinding) is refused at connect time,
 * the shop's loopback server never sees the push, and the attempt counts as failed.
 */
describe('Assist result push: through the guarded outbound client', function () {
  let t: TestGateway;
  let server: http.Server;
  let received = 0;
  let rebound = false;
  const clock = new FixedClock(Date.parse('2026-11-20T10:00:00Z'));

  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      received++;
      res.writeHead(200).end('<pushpaymentresult firstcode="0" secondcode="0"/>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // Outside Tender: DNS. A resolver stands in for a name server that changes its answer.
    const resolver = async (host: string): Promise<Array<{ address: string; family: 4 }>> => [
      { address: host !== 'shop.rebind.test' ? '93.184.216.35' : rebound ? '127.0.0.1' : '93.184.216.34', family: 4 },
    ];
    t = await startTestGateway({
      clock,
      resolver,
      plugins: [sandboxPlugin, standInBankPlugin(new StandInBankAdapter()), createAssistPlugin({ retryBaseMs: 1000, maxAttempts: 3 })],
    });
    await new OperatorClient(t.gateway.app)
      .post('/admin/v1/banks', { code: 'standin', name: 'Stand-in Bank', adapter_code: 'standin-bank', currencies: ['RUB'] })
      .expect(201);
    const merchant = await makeLive(t.gateway.app, 'Live Assist Shop', 'standin', 'TL000001');
    const port = (server.address() as AddressInfo).port;
    // Live mode: test mode lets pushes reach private addresses (a shop on the developer's machine).
    await enableAssist(t.gateway.app, merchant.id, { result_url: `http://shop.rebind.test:${port}/result`, testmode: false });
    rebound = true;
    const api = new MerchantClient(t.gateway.app, merchant.liveKey);
    await api.pay(CARDS.visa);
  });
  after(async () => {
    await t.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('never reaches a private address, and records the refusal as a failed attempt', async () => {
    const sender = t.gateway.container.resolve(AssistPushSender);
    assert.equal(await sender.runOnce(), 0);
    assert.equal(received, 0);
    const push = await t.gateway.db('assist_pushes').first();
    assert.equal(push.status, 'pending');
    assert.equal(Number(push.attempts), 1);
    assert.match(String(push.last_error), /private/);
  });

  it('refuses a result URL on a private address when it is set', async () => {
    const other = await t.createMerchant();
    const res = await request(t.gateway.app)
      .put(`/admin/v1/merchants/${other.id}/assist`)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({
        assist_merchant_id: 700999,
        salt: 'x-salt',
        login: 'other_api',
        password: 'password-other',
        result_url: 'http://10.0.0.5/result',
        testmode: false,
      })
      .expect(400);
    assert.equal(res.body.error.param, 'result_url');
  });
});
