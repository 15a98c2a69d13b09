import assert from 'node:assert/strict';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { FixedClock } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { AssistPushSender, createAssistPlugin } from '@tender/plugin-assist-compat';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { enableAssist } from '../support/assist-shop';

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
    t = await startTestGateway({ clock, plugins: [sandboxPlugin, createAssistPlugin({ retryBaseMs: 1000, maxAttempts: 3 })], env: { TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' } });
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

  it('delivers a payment\'s pushes in order once the shop accepts, and moves the watermark past settled events', async () => {
    answer = '<?xml version="1.0"?><pushpaymentresult firstcode="0" secondcode="0"></pushpaymentresult>';
    const payment = await api.pay(CARDS.visa, { capture_method: 'manual' });
    await api.post(`/v1/payments/${payment.id}/capture`, { amount: 1000 }).expect(200);
    const before = received;
    assert.equal(await sender.runOnce(), 2);
    assert.equal(received, before + 2);
    const pushes = await t.gateway.db('assist_pushes').where({ payment_id: payment.id }).orderBy('seq');
    assert.deepEqual(pushes.map((p: { status: string }) => p.status), ['delivered', 'delivered']);

    const last = await t.gateway.db('events').max({ seq: 'seq' }).first();
    clock.advance(11 * 60_000);
    assert.equal(await sender.runOnce(), 0);
    const settings = await t.gateway.db('assist_merchants').first();
    assert.equal(Number(settings.events_after_seq), Number(last?.seq));
  });
});
