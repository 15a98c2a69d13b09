import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as assistPlugin } from '@tender/plugin-assist-compat';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { ASSIST, enableAssist, postForm, rowCounts, signOrder } from '../support/assist-shop';

/**
 * Issue 21 items 7 and 8: one order number, one payment (repeats, changed terms,
 * concurrent duplicate posts), per-merchant currencies and return URL hosts, and
 * their settings. Every refusal is checked to write nothing.
 */
describe('Assist orders: one order number, one payment; currencies and return URL hosts', function () {
  let t: TestGateway;
  let merchant: { id: string; key: string };
  let api: MerchantClient;

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, assistPlugin] });
    merchant = await t.createMerchant('Assist Orders Shop');
    api = new MerchantClient(t.gateway.app, merchant.key);
    await enableAssist(t.gateway.app, merchant.id);
  });
  after(() => t.close());

  const admin = (method: 'put' | 'patch' | 'get', path: string) => request(t.gateway.app)[method](path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);

  function order(overrides: Record<string, string> = {}): Record<string, string> {
    const form: Record<string, string> = {
      Merchant_ID: ASSIST.merchantId,
      OrderNumber: `O-${Math.random().toString(36).slice(2)}`,
      OrderAmount: '100.00',
      OrderCurrency: 'RUB',
      ...overrides,
    };
    form.Checkvalue = signOrder(form);
    return form;
  }

  async function refusedAs(form: Record<string, string>, firstcode: number, secondcode: number, path = '/pay/order.cfm'): Promise<string> {
    const before = { ...(await rowCounts(t.gateway.db)), orders: await count('assist_orders') };
    const res = await postForm(t.gateway.app, path, form);
    if (path === '/pay/order.cfm') {
      assert.equal(res.status, 400, res.text);
      assert.match(res.text, new RegExp(`firstcode=<span id="firstcode">${firstcode}</span> secondcode=<span id="secondcode">${secondcode}</span>`));
    } else {
      assert.deepEqual(
        [Number(res.body.firstcode ?? res.body.result?.firstcode), Number(res.body.secondcode ?? res.body.result?.secondcode)],
        [firstcode, secondcode],
        res.text,
      );
    }
    assert.deepEqual({ ...(await rowCounts(t.gateway.db)), orders: await count('assist_orders') }, before, 'a refused post writes nothing');
    return res.text;
  }

  async function count(table: string): Promise<number> {
    return Number((await t.gateway.db(table).count({ n: '*' }).first())?.n ?? 0);
  }

  async function paymentsOf(orderNumber: string): Promise<Array<Record<string, unknown>>> {
    return t.gateway.db('payments').where({ merchant_id: merchant.id, order_id: orderNumber });
  }

  it('a repeat of an unpaid order shows the same payment; a changed amount, currency or Delay is refused', async () => {
    const form = order();
    const first = await postForm(t.gateway.app, '/pay/order.cfm', form).expect(303);
    const again = await postForm(t.gateway.app, '/pay/order.cfm', form).expect(303);
    assert.equal(again.headers.location, first.headers.location);

    await refusedAs(order({ OrderNumber: form.OrderNumber, OrderAmount: '100.01' }), 7, 6);
    await refusedAs(order({ OrderNumber: form.OrderNumber, OrderCurrency: 'USD' }), 7, 6);
    await refusedAs(order({ OrderNumber: form.OrderNumber, Delay: '1' }), 7, 6);
    // payrequest.cfm is the same order book.
    const text = await refusedAs(order({ OrderNumber: form.OrderNumber, OrderAmount: '5.00', Format: '5' }), 7, 6, '/pay/payrequest.cfm');
    assert.match(text, /amount or currency/);
    assert.equal((await paymentsOf(form.OrderNumber)).length, 1);
  });

  it('a repeat of a paid order is refused and never makes a second payment', async () => {
    const form = order({ OrderAmount: '250.00' });
    await postForm(t.gateway.app, '/pay/order.cfm', form).expect(303);
    const [payment] = await paymentsOf(form.OrderNumber);
    await api.post(`/v1/payments/${String(payment.id)}/confirm`, card(CARDS.visa)).expect(200);

    const text = await refusedAs(form, 7, 5);
    assert.match(text, /already paid/);
    await refusedAs({ ...form, Format: '5' }, 7, 5, '/pay/payrequest.cfm');
    const payments = await paymentsOf(form.OrderNumber);
    assert.equal(payments.length, 1);
    assert.equal(payments[0].status, 'captured');
    assert.equal(
      Number(
        (
          await t.gateway
            .db('bank_operations')
            .where({ payment_id: String(payment.id) })
            .whereIn('kind', ['sale', 'capture', 'authorize'])
            .count({ n: '*' })
            .first()
        )?.n,
      ),
      1,
      'charged once',
    );
  });

  it('concurrent duplicate posts of one order make one payment, and the losers of a changed amount are refused', async () => {
    const form = order({ OrderAmount: '77.00' });
    const same = await Promise.all(Array.from({ length: 6 }, () => postForm(t.gateway.app, '/pay/order.cfm', form)));
    const locations = new Set(same.map((r) => (r.status === 303 ? String(r.headers.location) : `refused ${r.status}`)));
    // Every post that was answered with a page got the same page; a post that lost the race may be told to retry, never given another payment.
    assert.equal([...locations].filter((l) => l.startsWith('http')).length, 1, [...locations].join(', '));
    for (const r of same) if (r.status !== 303) assert.match(r.text, /firstcode=<span id="firstcode">7<\/span>/);
    assert.equal((await paymentsOf(form.OrderNumber)).length, 1);

    const racing = order({ OrderAmount: '10.00' });
    const changed = { ...order({ OrderNumber: racing.OrderNumber, OrderAmount: '20.00' }) };
    const mixed = await Promise.all([racing, changed, racing, changed].map((f) => postForm(t.gateway.app, '/pay/order.cfm', f)));
    assert.equal((await paymentsOf(racing.OrderNumber)).length, 1);
    const winner = Number((await paymentsOf(racing.OrderNumber))[0].amount);
    for (const [i, r] of mixed.entries()) {
      const mine = i % 2 === 0 ? 1000 : 2000;
      if (mine !== winner) assert.equal(r.status, 400, 'the other amount is refused');
    }
    assert.equal(Number((await t.gateway.db('assist_orders').where({ order_number: racing.OrderNumber }).count({ n: '*' }).first())?.n), 1);
  });

  it('after a crash between making the payment and recording it, a repeat finds that payment instead of making another', async () => {
    const form = order({ OrderAmount: '42.00' });
    const first = await postForm(t.gateway.app, '/pay/order.cfm', form).expect(303);
    // What a process that stopped right after core's create leaves: the claim without its payment.
    await t.gateway.db('assist_orders').where({ order_number: form.OrderNumber }).update({ payment_id: null });
    const again = await postForm(t.gateway.app, '/pay/order.cfm', form).expect(303);
    assert.equal(again.headers.location, first.headers.location);
    assert.equal((await paymentsOf(form.OrderNumber)).length, 1);
    const claim = await t.gateway.db('assist_orders').where({ order_number: form.OrderNumber }).first();
    assert.equal(claim.payment_id, (await paymentsOf(form.OrderNumber))[0].id);
  });

  it('a post refused before its payment is written leaves no claim: the order can be posted again with other terms', async () => {
    await request(t.gateway.app)
      .post(`/admin/v1/merchants/${merchant.id}/suspend`)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ reason: 'test' })
      .expect(200);
    const form = order({ OrderAmount: '30.00' });
    await refusedAs(form, 7, 4);
    await request(t.gateway.app).post(`/admin/v1/merchants/${merchant.id}/resume`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({}).expect(200);
    await postForm(t.gateway.app, '/pay/order.cfm', order({ OrderNumber: form.OrderNumber, OrderAmount: '31.00' })).expect(303);
  });

  it('refuses currencies the merchant does not accept, and return URLs on hosts it has not listed', async () => {
    await admin('patch', `/admin/v1/merchants/${merchant.id}/assist`)
      .send({ currencies: ['RUB'] })
      .expect(200);
    const text = await refusedAs(order({ OrderCurrency: 'USD' }), 5, 102);
    assert.match(text, /accepts RUB/);
    await refusedAs(order({ OrderCurrency: 'EUR', Format: '5' }), 5, 102, '/pay/payrequest.cfm');

    // The checkvalue does not cover the return URLs: a signed form re-posted with a phishing one is refused.
    const signed = order();
    for (const field of ['URL_RETURN', 'URL_RETURN_OK', 'URL_RETURN_NO']) {
      await refusedAs({ ...signed, [field]: 'https://shop.example.evil.test/ok' }, 5, 107);
      await refusedAs({ ...signed, [field]: 'https://evil.test/shop.example' }, 5, 107);
      await refusedAs({ ...signed, [field]: 'https://shop.example@evil.test/' }, 5, 107);
    }
    await postForm(t.gateway.app, '/pay/order.cfm', { ...signed, URL_RETURN_OK: 'https://SHOP.example/ok' }).expect(303);

    await admin('patch', `/admin/v1/merchants/${merchant.id}/assist`)
      .send({ return_url_hosts: ['*.shop.example'] })
      .expect(200);
    await refusedAs({ ...order(), URL_RETURN: 'https://shop.example/back' }, 5, 107);
    await postForm(t.gateway.app, '/pay/order.cfm', { ...order(), URL_RETURN: 'https://pay.shop.example/back' }).expect(303);
    await admin('patch', `/admin/v1/merchants/${merchant.id}/assist`)
      .send({ currencies: ['RUB', 'JPY', 'KWD', 'USD', 'EUR'], return_url_hosts: ['shop.example'] })
      .expect(200);
  });

  it('settings: validated, PATCH changes only what it names, the merchant lists only its return hosts', async () => {
    const before = await admin('get', `/admin/v1/merchants/${merchant.id}/assist`).expect(200);
    for (const bad of [
      { currencies: [] },
      { currencies: ['XYZ'] },
      { currencies: ['RUB', 'rub'] },
      { currencies: 'RUB' },
      { return_url_hosts: ['https://shop.example'] },
      { return_url_hosts: ['shop.example/path'] },
      { return_url_hosts: ['*.com'] },
      { return_url_hosts: ['shop.example:8443'] },
      { salt: 'not here' },
    ]) {
      const res = await admin('patch', `/admin/v1/merchants/${merchant.id}/assist`).send(bad).expect(400);
      assert.equal(typeof res.body.error.code, 'string');
    }
    await admin('put', `/admin/v1/merchants/${merchant.id}/assist`)
      .send({ assist_merchant_id: 700123, salt: ASSIST.salt, login: ASSIST.login, password: ASSIST.password, currencies: ['ZZZ'] })
      .expect(400);
    const after = await admin('get', `/admin/v1/merchants/${merchant.id}/assist`).expect(200);
    assert.deepEqual(after.body, before.body, 'refused settings change nothing');

    // A PUT without the limits keeps them.
    await enableAssist(t.gateway.app, merchant.id, { currencies: undefined, return_url_hosts: undefined });
    const kept = await admin('get', `/admin/v1/merchants/${merchant.id}/assist`).expect(200);
    assert.deepEqual([kept.body.currencies, kept.body.return_url_hosts], [before.body.currencies, before.body.return_url_hosts]);

    const mine = await request(t.gateway.app)
      .patch('/v1/assist')
      .set('Authorization', `Bearer ${merchant.key}`)
      .send({ return_url_hosts: ['shop.example', 'Checkout.Shop.Example'] })
      .expect(200);
    assert.deepEqual(mine.body.return_url_hosts, ['shop.example', 'checkout.shop.example']);
    await request(t.gateway.app)
      .patch('/v1/assist')
      .set('Authorization', `Bearer ${merchant.key}`)
      .send({ currencies: ['USD'] })
      .expect(400);
    const other = await t.createMerchant('Not Assist');
    await request(t.gateway.app)
      .patch('/v1/assist')
      .set('Authorization', `Bearer ${other.key}`)
      .send({ return_url_hosts: ['evil.test'] })
      .expect(404);
  });
});
