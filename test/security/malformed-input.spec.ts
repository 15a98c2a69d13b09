import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import request from 'supertest';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { RowCounter } from '../support/row-counts';

/**
 * Issue 16, item 6: requests the gateway cannot read are refused with a 4xx, never a
 * 500, and write nothing. (Each of these answered 500 before the fix.)
 */
describe('security: malformed requests get a 4xx and change nothing', function () {
  let t: TestGateway;
  let key: string;
  let counter: RowCounter;

  before(async () => {
    t = await startTestGateway();
    key = (await t.createMerchant()).key;
    counter = await RowCounter.of(t.gateway.db);
  });
  after(() => t.close());

  /** Sends, checks the status, and that no table gained or lost a row. */
  async function refused(send: () => request.Test, status: number, code?: string): Promise<request.Response> {
    const before = await counter.counts();
    const res = await send();
    assert.equal(res.status, status, `${res.status}: ${res.text.slice(0, 300)}`);
    if (code !== undefined) assert.equal(res.body.error.code, code);
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), [], 'a refused request wrote rows');
    return res;
  }

  const payment = (encoding: string, body: Buffer) => () =>
    request(t.gateway.app)
      .post('/v1/payments')
      .set('Authorization', `Bearer ${key}`)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', encoding)
      .serialize((b: Buffer) => b as unknown as string)
      .send(body);

  it('POST /v1/payments with Content-Encoding gzip, deflate or br and a body that does not decode: 400 body_unreadable', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) await refused(payment(encoding, Buffer.from('{"amount":100} is not compressed')), 400, 'body_unreadable');
    const cut = zlib.gzipSync(Buffer.from(JSON.stringify({ amount: 100, currency: 'RUB', order_id: 'cut-1' })));
    await refused(payment('gzip', cut.subarray(0, cut.length - 6)), 400, 'body_unreadable');
  });

  it('an unknown Content-Encoding is 415; a gzip body that decodes is still taken', async () => {
    await refused(payment('compress', Buffer.from('x')), 415, 'content_type_unsupported');
    const ok = await payment('gzip', zlib.gzipSync(Buffer.from(JSON.stringify({ amount: 100, currency: 'RUB', order_id: 'gzip-ok' }))))();
    assert.equal(ok.status, 201);
  });

  it('a gzip bomb stops at the body limit, counted after inflating (413)', () =>
    refused(payment('gzip', zlib.gzipSync(Buffer.alloc(5_000_000, 0x20))), 413, 'body_too_large'));

  it('JSON nested deeper than 32 levels is refused (400 parameter_invalid)', () =>
    refused(
      () =>
        request(t.gateway.app)
          .put('/admin/v1/risk/rules')
          .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
          .set('Content-Type', 'application/json')
          .send(`{"rules":{"amount":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}}`),
      400,
      'parameter_invalid',
    ));

  it('POST /pay/form with a JSON body: 415 page', async () => {
    const res = await refused(
      () => request(t.gateway.app).post('/pay/form').set('Content-Type', 'application/json').send('{"key":"pk_test_x","amount":"100"}'),
      415,
    );
    assert.match(res.headers['content-type'] ?? '', /text\/html/);
  });

  it('POST /pay/form with an oversized url-encoded body: 413 page; with too many fields: 413', async () => {
    const res = await refused(
      () =>
        request(t.gateway.app)
          .post('/pay/form')
          .type('form')
          .send(`description=${'x'.repeat(40_000)}`),
      413,
    );
    assert.match(res.headers['content-type'] ?? '', /text\/html/);
    await refused(
      () =>
        request(t.gateway.app)
          .post('/pay/form')
          .type('form')
          .send(Array.from({ length: 50 }, (_, i) => `f${i}=1`).join('&')),
      413,
    );
  });

  it('POST /pay/:token with a gzip body that does not decode: 400 page', async () => {
    await refused(() => request(t.gateway.app).post('/pay/abcdefghijklmnopqrstu').type('form').set('Content-Encoding', 'gzip').send('card_number=4242'), 400);
  });

  it('GET /web-assets/..%2f..%2fpackage.json and a missing asset: 404, not 500', async () => {
    await refused(() => request(t.gateway.app).get('/web-assets/..%2f..%2fpackage.json'), 404, 'route_not_found');
    await refused(() => request(t.gateway.app).get('/web-assets/dashboard/..%2f..%2f..%2f..%2fpackage.json'), 404, 'route_not_found');
    await refused(() => request(t.gateway.app).get('/web-assets/no-such-file.css'), 404, 'route_not_found');
  });

  it('a malformed percent-encoding in the path is a 400', async () => {
    await refused(() => request(t.gateway.app).get('/pay/%E0%A4%A'), 400);
    await refused(() => request(t.gateway.app).get('/v1/payments/%E0%A4%A').set('Authorization', `Bearer ${key}`), 400, 'parameter_invalid');
    await refused(() => request(t.gateway.app).get('/status/%E0%A4%A'), 400);
  });

  it('sign-up CSRF with a token of another byte length (same UTF-16 length) is a 403 page, not a 500', async () => {
    const res = await refused(
      () => request(t.gateway.app).post('/signup').set('Cookie', 'tender_signup_csrf=ab').type('form').send('_csrf=%C3%A9a&name=Shop&email=a%40shop.example'),
      403,
    );
    assert.match(res.text, /form has expired/i);
  });

  it('sign-up with a JSON body is a 415', () =>
    refused(() => request(t.gateway.app).post('/signup').set('Content-Type', 'application/json').send('{"name":"x"}'), 415));
});
