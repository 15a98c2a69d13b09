import assert from 'node:assert/strict';
import request from 'supertest';
import { TestGateway, startTestGateway, ADMIN_TOKEN } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';

/** Every bad request gets a clear error naming the parameter, and changes nothing. */
describe('validation: bad input changes nothing', function () {
  let t: TestGateway;
  let shop: MerchantClient;
  const TABLES = ['payments', 'refunds', 'bank_operations', 'events', 'card_vault', 'idempotency_keys', 'merchants', 'api_keys'];

  before(async () => {
    t = await startTestGateway();
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
  });
  after(() => t.close());

  async function snapshot(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of TABLES) out[table] = Number((await t.gateway.db(table).count({ n: '*' }).first())?.n);
    return out;
  }

  async function expectRefused(send: () => request.Test, status: number, code: string, param?: string): Promise<void> {
    const before = await snapshot();
    const res = await send();
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.equal(res.body.error.code, code);
    assert.equal(typeof res.body.error.message, 'string');
    assert.equal(typeof res.body.error.type, 'string');
    if (param !== undefined) assert.equal(res.body.error.param, param);
    assert.deepEqual(await snapshot(), before, 'a refused request wrote rows');
  }

  const good = { amount: 1000, currency: 'RUB', order_id: 'v-1' };
  const createCases: Array<[string, Record<string, unknown>, string, string | undefined]> = [
    ['float amount', { ...good, amount: 10.5 }, 'amount_invalid', 'amount'],
    ['string amount', { ...good, amount: '1000' }, 'amount_invalid', 'amount'],
    ['zero amount', { ...good, amount: 0 }, 'amount_invalid', 'amount'],
    ['negative amount', { ...good, amount: -1 }, 'amount_invalid', 'amount'],
    ['huge amount', { ...good, amount: 1e15 }, 'amount_invalid', 'amount'],
    ['missing amount', { currency: 'RUB', order_id: 'x' }, 'parameter_missing', 'amount'],
    ['unknown currency', { ...good, currency: 'XXX' }, 'currency_unsupported', 'currency'],
    ['missing currency', { amount: 1, order_id: 'x' }, 'parameter_missing', 'currency'],
    ['missing order_id', { amount: 1, currency: 'RUB' }, 'parameter_missing', 'order_id'],
    ['empty order_id', { ...good, order_id: '' }, 'parameter_invalid', 'order_id'],
    ['long order_id', { ...good, order_id: 'x'.repeat(129) }, 'parameter_invalid', 'order_id'],
    ['bad capture_method', { ...good, capture_method: 'later' }, 'parameter_invalid', 'capture_method'],
    ['bad return_url', { ...good, return_url: 'javascript:alert(1)' }, 'parameter_invalid', 'return_url'],
    ['bad metadata', { ...good, metadata: { a: 1 } }, 'parameter_invalid', 'metadata.a'],
    ['unknown field', { ...good, colour: 'red' }, 'parameter_unknown', 'colour'],
  ];
  for (const [name, body, code, param] of createCases) {
    it(`create payment: ${name}`, () => expectRefused(() => shop.post('/v1/payments', body, `v-${name}`), 400, code, param));
  }

  it('create payment: an array or null body', async () => {
    await expectRefused(() => shop.post('/v1/payments', []), 400, 'parameter_invalid');
    await expectRefused(
      () => request(t.gateway.app).post('/v1/payments').set('Authorization', `Bearer ${shop.key}`).set('Content-Type', 'application/json').send('null'),
      400,
      'body_invalid_json',
    );
  });

  it('malformed JSON is refused without quoting the body back', async () => {
    const before = await snapshot();
    const res = await request(t.gateway.app)
      .post('/v1/payments')
      .set('Authorization', `Bearer ${shop.key}`)
      .set('Content-Type', 'application/json')
      .send('{"payment_method":{"card":{"number":"4242424242424242",}}');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'body_invalid_json');
    assert.ok(!JSON.stringify(res.body).includes('4242424242424242'));
    assert.deepEqual(await snapshot(), before);
  });

  it('a form-encoded body is refused with 415', () =>
    expectRefused(
      () => request(t.gateway.app).post('/v1/payments').set('Authorization', `Bearer ${shop.key}`).type('form').send('amount=1'),
      415,
      'content_type_unsupported',
    ));

  it('a body over the size limit is refused with 413', () =>
    expectRefused(() => shop.post('/v1/payments', { ...good, description: 'x'.repeat(70_000) }), 413, 'body_too_large'));

  describe('confirm', () => {
    let paymentId: string;
    before(async () => {
      paymentId = (await shop.createPayment()).id;
    });
    const cases: Array<[string, unknown, string, string]> = [
      ['Luhn failure', card('4242424242424241'), 'card_number_invalid', 'payment_method.card.number'],
      ['short number', card('4242'), 'card_number_invalid', 'payment_method.card.number'],
      ['past expiry', card(CARDS.visa, { exp_year: 2020 }), 'card_expiry_invalid', 'payment_method.card.exp_year'],
      ['bad month', card(CARDS.visa, { exp_month: 0 }), 'card_expiry_invalid', 'payment_method.card.exp_month'],
      ['bad cvc', card(CARDS.visa, { cvc: '1' }), 'card_cvc_invalid', 'payment_method.card.cvc'],
      ['unknown card field', card(CARDS.visa, { pin: '1234' }), 'parameter_unknown', 'payment_method.card.pin'],
      ['unsupported type', { payment_method: { type: 'bitcoin' } }, 'payment_method_unsupported', 'payment_method.type'],
      ['missing card', { payment_method: { type: 'card' } }, 'parameter_missing', 'payment_method.card'],
      ['missing payment_method', {}, 'parameter_missing', 'payment_method'],
    ];
    for (const [name, body, code, param] of cases) {
      it(name, async () => {
        await expectRefused(() => shop.post(`/v1/payments/${paymentId}/confirm`, body), 400, code, param);
        assert.equal((await shop.get(`/v1/payments/${paymentId}`)).body.status, 'pending');
      });
    }
    it('a malformed payment id', () => expectRefused(() => shop.post('/v1/payments/not-an-id/confirm', card(CARDS.visa)), 400, 'parameter_invalid', 'id'));
    it('an unknown payment id', () => expectRefused(() => shop.post('/v1/payments/pay_unknown123/confirm', card(CARDS.visa)), 404, 'resource_not_found'));
  });

  it('capture and refund amounts are validated', async () => {
    const p = await shop.pay(CARDS.visa, { capture_method: 'manual' });
    await expectRefused(() => shop.post(`/v1/payments/${p.id}/capture`, { amount: 1.5 }), 400, 'amount_invalid', 'amount');
    await expectRefused(() => shop.post(`/v1/payments/${p.id}/capture`, { amount: 1, extra: true }), 400, 'parameter_unknown', 'extra');
    const c = await shop.pay(CARDS.visa);
    await expectRefused(() => shop.post('/v1/refunds', { payment_id: c.id, amount: 0 }), 400, 'amount_invalid', 'amount');
    await expectRefused(() => shop.post('/v1/refunds', { payment_id: 'nope', amount: 1 }), 400, 'parameter_invalid', 'payment_id');
    await expectRefused(() => shop.post('/v1/refunds', { payment_id: c.id, amount: 999_999 }), 400, 'amount_too_large', 'amount');
  });

  it('the operator API validates merchants', async () => {
    const admin = (body: unknown) =>
      request(t.gateway.app)
        .post('/admin/v1/merchants')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send(body as object);
    await expectRefused(() => admin({ name: 'X', email: 'not-an-email' }), 400, 'parameter_invalid', 'email');
    await expectRefused(() => admin({ email: 'a@b.c' }), 400, 'parameter_missing', 'name');
  });

  it('unknown routes are a JSON 404', async () => {
    const res = await shop.get('/v1/nothing-here').expect(404);
    assert.equal(res.body.error.code, 'route_not_found');
    assert.match(res.body.error.message, /GET \/v1\/nothing-here/);
  });
});
