import assert from 'node:assert/strict';
import request from 'supertest';
import { StatusLink } from '@tender/core/dist/notifications/status-link';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';

interface LogLine {
  msg: string;
  request_id?: string;
  method?: string;
  path?: string;
  status?: number;
  merchant_id?: string;
  payment_id?: string;
}

/**
 * Issue 16, item 9: the request log names the full path (not the path inside the
 * router), never a secret token from the path nor a query string, and carries the
 * request id (echoed as X-Request-Id), the merchant and the payment.
 */
describe('security: request logs', function () {
  let t: TestGateway;
  let shop: MerchantClient;
  let merchantId: string;

  before(async () => {
    t = await startTestGateway({ captureLogs: true });
    const m = await t.createMerchant('Log Shop');
    merchantId = m.id;
    shop = new MerchantClient(t.gateway.app, m.key);
  });
  after(() => t.close());

  const lines = (): LogLine[] =>
    t
      .logs()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  const requestLine = (id: string): LogLine => {
    const found = lines().find((l) => l.msg === 'request' && l.request_id === id);
    assert.ok(found !== undefined, `no request line for ${id}`);
    return found;
  };

  it('logs /v1/payments with its full path, the merchant and the payment it created', async () => {
    const res = await shop.post('/v1/payments', { amount: 1000, currency: 'RUB', order_id: 'log-1' }).set('X-Request-Id', 'shop-req-0001').expect(201);
    assert.equal(res.headers['x-request-id'], 'shop-req-0001');
    const line = requestLine('shop-req-0001');
    assert.equal(line.path, '/v1/payments');
    assert.equal(line.method, 'POST');
    assert.equal(line.status, 201);
    assert.equal(line.merchant_id, merchantId);
    assert.equal(line.payment_id, res.body.id);
    const get = await shop.get(`/v1/payments/${res.body.id as string}?order_id=SECRET-QUERY`).expect(200);
    const getLine = requestLine(String(get.headers['x-request-id']));
    assert.equal(getLine.path, `/v1/payments/${res.body.id as string}`);
    assert.equal(getLine.payment_id, res.body.id);
    assert.ok(!t.logs().includes('SECRET-QUERY'), 'a query string was logged');
  });

  it('logs /admin/v1 paths in full', async () => {
    const res = await request(t.gateway.app).get(`/admin/v1/merchants/${merchantId}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    const line = requestLine(String(res.headers['x-request-id']));
    assert.equal(line.path, `/admin/v1/merchants/${merchantId}`);
    assert.equal(line.merchant_id, merchantId);
  });

  it('never logs the payment page token, a payment link token, a status link MAC or a password-set token', async () => {
    const p = await shop.createPayment();
    const token = new URL(String(p.payment_url)).pathname.split('/').pop() ?? '';
    const link = (await shop.post('/v1/payment_links', { amount: 500, currency: 'RUB', description: 'Tea' }).expect(201)).body as { url: string };
    const linkToken = link.url.split('/').pop() ?? '';
    const status = new URL(t.gateway.container.resolve(StatusLink).urlFor(p.id)).pathname;
    const operator = await request(t.gateway.app)
      .post('/admin/v1/operators')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ email: 'log-op@tender.test' })
      .expect(201);
    const passwordPath = new URL(String(operator.body.set_password_url)).pathname;
    const passwordToken = passwordPath.split('/').pop() ?? '';
    const secrets = [token, linkToken, status.split('.').pop() ?? '', passwordToken];
    for (const s of secrets) assert.ok(s.length >= 16, `a secret to look for: ${s}`);

    const page = await request(t.gateway.app).get(`/pay/${token}`).expect(200);
    const pageLine = requestLine(String(page.headers['x-request-id']));
    assert.equal(pageLine.path, '/pay/[redacted]');
    assert.equal(pageLine.payment_id, p.id);
    assert.equal(pageLine.merchant_id, merchantId);
    const post = await request(t.gateway.app).post(`/pay/${token}`).type('form').send('form_token=x');
    assert.equal(requestLine(String(post.headers['x-request-id'])).path, '/pay/[redacted]');
    await request(t.gateway.app).post(`/pay/${token}/3ds`).type('form').send('cres=x');
    await request(t.gateway.app).get(`/pay/link/${linkToken}`).expect(200);
    await request(t.gateway.app).get(`/pay-account/${token}`);
    const statusRes = await request(t.gateway.app).get(status).expect(200);
    const statusLine = requestLine(String(statusRes.headers['x-request-id']));
    assert.match(statusLine.path ?? '', /^\/status\/pay_[0-9A-Za-z]+\.\[redacted\]$/);
    assert.equal(statusLine.payment_id, p.id);
    await request(t.gateway.app).get(passwordPath);
    const logs = t.logs();
    for (const s of secrets) assert.ok(!logs.includes(s), `a secret token reached the log: ${s.slice(0, 6)}...`);
    for (const path of ['/pay/[redacted]/3ds', '/pay/link/[redacted]', '/pay-account/[redacted]', '/console/password/[redacted]']) {
      assert.ok(
        lines().some((l) => l.msg === 'request' && l.path === path),
        `no line for ${path}`,
      );
    }
  });

  it('takes a sane X-Request-Id, replaces anything else with a fresh id', async () => {
    const sane = await request(t.gateway.app).get('/healthz').set('X-Request-Id', 'abc:123_x.y-z');
    assert.equal(sane.headers['x-request-id'], 'abc:123_x.y-z');
    for (const bad of ['x'.repeat(65), 'has space', 'quote"', '']) {
      const res = await request(t.gateway.app).get('/healthz').set('X-Request-Id', bad);
      assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/, `for ${JSON.stringify(bad)}`);
      assert.equal(res.headers['request-id'], res.headers['x-request-id']);
    }
  });
});
