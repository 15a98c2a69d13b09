import assert from 'node:assert/strict';
import request from 'supertest';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { RowCounter } from '../support/row-counts';

/**
 * Issue 16, item 7: text and numbers that were accepted and must be refused with
 * parameter_invalid, naming the field, writing nothing. (Each was stored before the fix:
 * MariaDB kept U+FFFD for a lone surrogate, so the order id differed from what the API
 * had echoed, and 2^64 was kept as a float.)
 */
describe('security: hostile text and unsafe integers are refused', function () {
  let t: TestGateway;
  let key: string;
  let counter: RowCounter;
  const good = { amount: 1000, currency: 'RUB', order_id: 'h-1' };

  before(async () => {
    t = await startTestGateway();
    key = (await t.createMerchant()).key;
    counter = await RowCounter.of(t.gateway.db);
  });
  after(() => t.close());

  /** JSON text as written (lone surrogates cannot be produced by JSON.stringify of a JS string intact everywhere). */
  async function refusedJson(method: 'post' | 'put', path: string, auth: string, json: string, param: string): Promise<void> {
    const before = await counter.counts();
    const res = await request(t.gateway.app)[method](path).set('Authorization', `Bearer ${auth}`).set('Content-Type', 'application/json').send(json);
    assert.equal(res.status, 400, `${path} ${json.slice(0, 120)}: ${res.status} ${res.text.slice(0, 300)}`);
    assert.equal(res.body.error.code, 'parameter_invalid', res.text);
    assert.equal(res.body.error.param, param, res.text);
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), [], 'a refused request wrote rows');
  }
  const payment = (extra: string) => `{"amount":1000,"currency":"RUB","order_id":"h-1"${extra}}`;

  it('NUL in description, in a metadata key and in a metadata value', async () => {
    await refusedJson('post', '/v1/payments', key, payment(',"description":"Tea\\u0000cup"'), 'description');
    await refusedJson('post', '/v1/payments', key, payment(',"metadata":{"k\\u0000":"v"}'), 'metadata.k\u0000');
    await refusedJson('post', '/v1/payments', key, payment(',"metadata":{"k":"v\\u0000"}'), 'metadata.k');
  });

  it('a lone surrogate in order_id or description', async () => {
    await refusedJson('post', '/v1/payments', key, '{"amount":1000,"currency":"RUB","order_id":"A-\\ud800-1"}', 'order_id');
    await refusedJson('post', '/v1/payments', key, '{"amount":1000,"currency":"RUB","order_id":"A-\\udfff"}', 'order_id');
    await refusedJson('post', '/v1/payments', key, payment(',"description":"x\\ud83d"'), 'description');
  });

  it('bidi overrides, isolates and invisible characters in order_id; other controls in description', async () => {
    for (const c of ['\\u202e', '\\u202d', '\\u2066', '\\u2069', '\\u200f', '\\u200b', '\\ufeff', '\\u0007', '\\n', '\\u0085']) {
      await refusedJson('post', '/v1/payments', key, `{"amount":1000,"currency":"RUB","order_id":"A-1${c}gpj"}`, 'order_id');
    }
    for (const c of ['\\u202e', '\\u0001', '\\u001b', '\\n', '\\u2028'])
      await refusedJson('post', '/v1/payments', key, payment(`,"description":"x${c}y"`), 'description');
    await refusedJson('post', '/v1/refunds', key, `{"payment_id":"pay_x","reason":"a\\u202eb"}`, 'reason');
  });

  it('text that only looks unusual is kept exactly, on both databases', async () => {
    const orderId = 'Заказ-١٢٣-🍵-ü';
    const description = 'شاي \u200f(RTL mark) — 茶, "quotes" & <tags>';
    const res = await request(t.gateway.app)
      .post('/v1/payments')
      .set('Authorization', `Bearer ${key}`)
      .send({ ...good, order_id: orderId, description, metadata: { note: 'line 1\nline 2\ttab' } });
    assert.equal(res.status, 201, res.text);
    const again = await request(t.gateway.app)
      .get(`/v1/payments/${res.body.id as string}`)
      .set('Authorization', `Bearer ${key}`)
      .expect(200);
    assert.equal(again.body.order_id, orderId);
    assert.equal(again.body.description, description);
    assert.equal(again.body.metadata.note, 'line 1\nline 2\ttab');
  });

  it('order_id counts code points: 128 emoji fit, 129 do not', async () => {
    const ok = await request(t.gateway.app)
      .post('/v1/payments')
      .set('Authorization', `Bearer ${key}`)
      .send({ ...good, order_id: '🍵'.repeat(128) });
    assert.equal(ok.status, 201, ok.text);
    await refusedJson('post', '/v1/payments', key, JSON.stringify({ ...good, order_id: '🍵'.repeat(129) }), 'order_id');
  });

  it('a risk rule max_amounts of 2^64, 1e300 or above the largest amount (operator and merchant)', async () => {
    await refusedJson(
      'put',
      '/admin/v1/risk/rules',
      ADMIN_TOKEN,
      '{"rules":{"amount":{"max_amounts":{"RUB":18446744073709551616}}}}',
      'rules.amount.max_amounts.RUB',
    );
    await refusedJson('put', '/admin/v1/risk/rules', ADMIN_TOKEN, '{"rules":{"amount":{"max_amounts":{"RUB":1e300}}}}', 'rules.amount.max_amounts.RUB');
    await refusedJson('put', '/admin/v1/risk/rules', ADMIN_TOKEN, '{"rules":{"amount":{"max_amounts":{"RUB":100000000000}}}}', 'rules.amount.max_amounts.RUB');
    await refusedJson('put', '/v1/risk/rules', key, '{"rules":{"amount":{"max_amounts":{"RUB":9007199254740993}}}}', 'rules.amount.max_amounts.RUB');
    await refusedJson('put', '/v1/risk/rules', key, '{"rules":{"card_testing":{"small_amount":18446744073709551616}}}', 'rules.card_testing.small_amount');
    await refusedJson(
      'put',
      '/v1/risk/rules',
      key,
      '{"rules":{"velocity":{"limits":[{"key":"card","window_seconds":60,"max_amount":100000000000,"score":10}]}}}',
      'rules.velocity.limits.0.max_amount',
    );
  });

  it('integers beyond 2^53 wherever money or counts come in', async () => {
    await refusedJson('post', '/v1/payments', key, '{"amount":9007199254740993,"currency":"RUB","order_id":"big"}', 'amount');
    await refusedJson('post', '/v1/refunds', key, '{"payment_id":"pay_x","amount":18446744073709551616}', 'amount');
    await refusedJson(
      'put',
      '/admin/v1/routing',
      ADMIN_TOKEN,
      '{"rules":[{"id":"r1","priority":1,"match":{"amount_max":18446744073709551616},"targets":[{"bank":"b1","weight":1}]}]}',
      'rules.0.match.amount_max',
    );
    await refusedJson(
      'put',
      '/admin/v1/routing',
      ADMIN_TOKEN,
      '{"rules":[{"id":"r1","priority":1,"match":{"amount_max":100000000000},"targets":[{"bank":"b1","weight":1}]}]}',
      'rules.0.match.amount_max',
    );
    await refusedJson('post', '/v1/webhook_endpoints/we_x/rotate_secret', key, '{"expires_in_hours":1e21}', 'expires_in_hours');
  });

  it('a valid risk rule with a sane limit is still taken', async () => {
    const res = await request(t.gateway.app)
      .put('/admin/v1/risk/rules')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ rules: { amount: { max_amounts: { RUB: 99_999_999_999 } } } });
    assert.equal(res.status, 200, res.text);
  });
});
