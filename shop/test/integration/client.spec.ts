import assert from 'node:assert/strict';
import net from 'node:net';
import { createHmac } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { TenderApiError, TenderClient, TenderConnectionError, verifyWebhookSignature } from '@tender/client';
import { type TestGateway, startTestGateway, CARDS } from '../support/gateway-support';

/**
 * A loopback TCP proxy that forwards requests to the gateway but, for the first
 * `dropAnswers` connections, cuts the connection as the answer starts to come
 * back: the request was executed, the client never hears of it.
 */
async function lossyProxy(target: number, dropAnswers: number): Promise<{ port: number; close(): Promise<void> }> {
  let toDrop = dropAnswers;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(upstream);
    const drop = toDrop > 0;
    if (drop) toDrop--;
    client.pipe(upstream);
    upstream.on('data', (chunk) => {
      if (drop) {
        client.destroy();
        upstream.destroy();
      } else client.write(chunk);
    });
    upstream.on('end', () => client.end());
    const cleanup = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cleanup);
    upstream.on('error', cleanup);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('@tender/client against a live gateway', function () {
  let t: TestGateway;
  let port: number;
  let key: string;
  const card = { number: CARDS.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' };

  before(async () => {
    t = await startTestGateway();
    port = (await t.gateway.listen(0, '127.0.0.1')).port;
    key = (await t.createMerchant()).key;
  });
  after(() => t.close());

  it('creates, confirms, captures, refunds, retrieves and lists', async () => {
    const tender = new TenderClient({ secretKey: key, baseUrl: `http://127.0.0.1:${port}/` });
    const created = await tender.payments.create({ amount: 5000, currency: 'RUB', order_id: 'client-1', capture_method: 'manual' });
    assert.equal(created.status, 'pending');
    const authorized = await tender.payments.confirmWithCard(created.id, card);
    assert.equal(authorized.status, 'authorized');
    const captured = await tender.payments.capture(created.id, { amount: 4000 });
    assert.equal(captured.amount_captured, 4000);
    const refund = await tender.refunds.create({ payment_id: created.id, amount: 1000 });
    assert.equal(refund.status, 'succeeded');
    assert.equal((await tender.refunds.retrieve(refund.id)).amount, 1000);
    assert.deepEqual((await tender.refunds.list({ payment_id: created.id })).data.map((r) => r.id), [refund.id]);
    assert.equal((await tender.payments.retrieve(created.id)).amount_refunded, 1000);
    const list = await tender.payments.list({ order_id: 'client-1' });
    assert.deepEqual(list.data.map((p) => p.id), [created.id]);
    const other = await tender.payments.create({ amount: 100, currency: 'RUB', order_id: 'client-2' });
    assert.equal((await tender.payments.cancel(other.id)).status, 'canceled');
  });

  it('throws typed errors from the catalogue', async () => {
    const tender = new TenderClient({ secretKey: key, baseUrl: `http://127.0.0.1:${port}` });
    await assert.rejects(tender.payments.create({ amount: 1.5, currency: 'RUB', order_id: 'x' }), (e: unknown) => e instanceof TenderApiError && e.status === 400 && e.code === 'amount_invalid' && e.param === 'amount');
    await assert.rejects(tender.payments.retrieve('pay_nonexistent1'), (e: unknown) => e instanceof TenderApiError && e.status === 404 && e.code === 'resource_not_found');
    const wrongKey = new TenderClient({ secretKey: 'sk_test_00000000000000000000000000000000', baseUrl: `http://127.0.0.1:${port}` });
    await assert.rejects(wrongKey.payments.list(), (e: unknown) => e instanceof TenderApiError && e.code === 'api_key_invalid');
  });

  it('the lossy proxy really loses answers of executed requests (so the next test can fail)', async () => {
    const proxy = await lossyProxy(port, 1);
    try {
      const noRetry = new TenderClient({ secretKey: key, baseUrl: `http://127.0.0.1:${proxy.port}`, maxRetries: 0 });
      await assert.rejects(noRetry.payments.create({ amount: 5, currency: 'RUB', order_id: 'lost-answer' }), TenderConnectionError);
      assert.equal((await t.gateway.db('payments').where({ order_id: 'lost-answer' })).length, 1);
    } finally {
      await proxy.close();
    }
  });

  it('retries a lost answer with the same Idempotency-Key: one payment, one charge', async () => {
    const proxy = await lossyProxy(port, 1);
    try {
      const tender = new TenderClient({ secretKey: key, baseUrl: `http://127.0.0.1:${proxy.port}` });
      const before = Number((await t.gateway.db('payments').count({ n: '*' }).first())?.n);
      const payment = await tender.payments.create({ amount: 777, currency: 'RUB', order_id: 'lossy-1' });
      assert.equal(Number((await t.gateway.db('payments').count({ n: '*' }).first())?.n), before + 1, 'the retry created a second payment');
      const proxy2 = await lossyProxy(port, 1);
      try {
        const tender2 = new TenderClient({ secretKey: key, baseUrl: `http://127.0.0.1:${proxy2.port}` });
        const paid = await tender2.payments.confirmWithCard(payment.id, card);
        assert.equal(paid.status, 'captured');
      } finally {
        await proxy2.close();
      }
      assert.equal((await t.gateway.db('bank_operations').where({ payment_id: payment.id })).length, 1, 'charged twice');
    } finally {
      await proxy.close();
    }
  });

  it('reads, updates and previews the branding', async () => {
    const tender = new TenderClient({ secretKey: key, baseUrl: `http://127.0.0.1:${port}` });
    const initial = await tender.branding.retrieve();
    assert.equal(initial.object, 'branding');
    assert.equal(initial.primary_color, null);
    assert.deepEqual(initial.frame_ancestors, []);
    const updated = await tender.branding.update({ primary_color: '#1f5eff', button_style: 'pill', frame_ancestors: ['https://shop.example'] });
    assert.equal(updated.primary_color, '#1f5eff');
    assert.equal(updated.button_style, 'pill');
    assert.deepEqual((await tender.branding.retrieve()).frame_ancestors, ['https://shop.example']);
    const cleared = await tender.branding.update({ button_style: null });
    assert.equal(cleared.button_style, null);
    assert.equal(cleared.primary_color, '#1f5eff', 'fields not sent are kept');

    const html = await tender.branding.preview({ primary_color: '#00aa55' }, { locale: 'en' });
    assert.match(html, /<html/i);
    assert.ok(html.includes('#00aa55'), 'the preview applies the colour sent');
    assert.ok(html.includes('PREVIEW-1001'));
    assert.equal((await tender.branding.retrieve()).primary_color, '#1f5eff', 'a preview stores nothing');

    await assert.rejects(tender.branding.update({ primary_color: 'blue' }), (e: unknown) => e instanceof TenderApiError && e.status === 400 && e.param === 'primary_color');
    await assert.rejects(tender.branding.preview({ logo_url: 'http://insecure.example/logo.png' }), (e: unknown) => e instanceof TenderApiError && e.status === 400);
    assert.equal((await tender.branding.retrieve()).primary_color, '#1f5eff', 'a refused update changed nothing');
  });

  it('sends the same Idempotency-Key on every attempt of one call, a new one for the next call', async () => {
    const keys: string[] = [];
    let failFirst = true;
    // A transport that records each attempt and loses the first one before it is sent; the rest reach the live gateway.
    const recording: typeof fetch = async (input, init) => {
      keys.push(new Headers(init?.headers).get('idempotency-key') ?? '');
      if (failFirst) {
        failFirst = false;
        throw new TypeError('fetch failed (simulated network error)');
      }
      return fetch(input, init);
    };
    const tender = new TenderClient({ secretKey: key, baseUrl: `http://127.0.0.1:${port}`, fetch: recording });
    const payment = await tender.payments.create({ amount: 300, currency: 'RUB', order_id: 'idem-keys' });
    assert.equal(keys.length, 2);
    assert.equal(keys[0], keys[1], 'the retry reused the key');
    assert.match(keys[0]!, /^[0-9a-f-]{36}$/);
    await tender.payments.cancel(payment.id, { idempotencyKey: 'my-own-key' });
    assert.equal(keys[2], 'my-own-key');
    await tender.events.list({ object_id: payment.id });
    assert.equal(keys[3], '', 'GETs carry no key');
    assert.deepEqual((await tender.payments.list({ order_id: 'idem-keys', updated_since: 0 })).data.map((p) => p.id), [payment.id]);
    await tender.payments.create({ amount: 300, currency: 'RUB', order_id: 'idem-keys-2' });
    assert.notEqual(keys[5], keys[0], 'the next call has its own key');
  });

  it('gives up with a connection error when nothing answers', async () => {
    const tender = new TenderClient({ secretKey: key, baseUrl: 'http://127.0.0.1:1', maxRetries: 1 });
    await assert.rejects(tender.payments.list(), TenderConnectionError);
  });
});

describe('verifyWebhookSignature (no database)', () => {
  // An independent signer, written out here rather than imported.
  const sign = (secret: string, t: number, body: string) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  const body = '{"id":"evt_1","type":"payment.captured"}';
  const t = 1_790_000_000;

  it('accepts a valid signature and either of two during a rotation', () => {
    assert.ok(verifyWebhookSignature(body, `t=${t},v1=${sign('whsec_a', t, body)}`, 'whsec_a', 300, t + 10));
    assert.ok(verifyWebhookSignature(Buffer.from(body), `t=${t},v1=${sign('whsec_old', t, body)},v1=${sign('whsec_new', t, body)}`, 'whsec_new', 300, t));
  });

  it('refuses a wrong secret, a changed body, a stale timestamp and junk', () => {
    assert.equal(verifyWebhookSignature(body, `t=${t},v1=${sign('whsec_a', t, body)}`, 'whsec_b', 300, t), false);
    assert.equal(verifyWebhookSignature(`${body} `, `t=${t},v1=${sign('whsec_a', t, body)}`, 'whsec_a', 300, t), false);
    assert.equal(verifyWebhookSignature(body, `t=${t},v1=${sign('whsec_a', t, body)}`, 'whsec_a', 300, t + 301), false);
    assert.equal(verifyWebhookSignature(body, 'garbage', 'whsec_a', 300, t), false);
    assert.equal(verifyWebhookSignature(body, `t=${t},v1=zz`, 'whsec_a', 300, t), false);
  });
});
