import assert from 'node:assert/strict';
import fs from 'node:fs';
import request from 'supertest';
import { loadPluginModules } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as assistPlugin } from '@tender/plugin-assist-compat';
import { ADMIN_TOKEN, TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { ASSIST, enableAssist, postForm, rowCounts, signOrder } from '../support/assist-shop';

describe('Assist protocol: settings, refusals and isolation', function () {
  let t: TestGateway;
  let merchant: { id: string; key: string };
  let other: { id: string; key: string };

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, assistPlugin] });
    merchant = await t.createMerchant('Assist Shop');
    other = await t.createMerchant('Other Shop');
  });
  after(() => t.close());

  const admin = () => ({ put: (path: string) => request(t.gateway.app).put(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`) });

  function order(overrides: Record<string, string> = {}, sign = true): Record<string, string> {
    const form: Record<string, string> = {
      Merchant_ID: ASSIST.merchantId,
      OrderNumber: `S-${Math.random().toString(36).slice(2)}`,
      OrderAmount: '100.00',
      OrderCurrency: 'RUB',
      ...overrides,
    };
    if (sign) form.Checkvalue = signOrder(form);
    return form;
  }

  async function refused(form: Record<string, string>, firstcode: number, secondcode: number): Promise<void> {
    const before = await rowCounts(t.gateway.db);
    const res = await postForm(t.gateway.app, '/pay/order.cfm', form);
    assert.equal(res.status >= 400, true, `status ${res.status}`);
    assert.match(res.text, new RegExp(`firstcode=<span id="firstcode">${firstcode}</span> secondcode=<span id="secondcode">${secondcode}</span>`));
    assert.deepEqual(await rowCounts(t.gateway.db), before);
  }

  it('the operator sets it up; a bad setting writes nothing; secrets are never shown', async () => {
    for (const bad of [
      { salt: '' },
      { password: 'short' },
      { login: 'no spaces allowed' },
      { assist_merchant_id: 'abc' },
      { result_url: 'ftp://x' },
      { extra: 1 },
    ]) {
      const res = await admin()
        .put(`/admin/v1/merchants/${merchant.id}/assist`)
        .send({ assist_merchant_id: 700123, salt: ASSIST.salt, login: ASSIST.login, password: ASSIST.password, ...bad })
        .expect(400);
      assert.equal(typeof res.body.error.code, 'string');
    }
    assert.equal(Number((await t.gateway.db('assist_merchants').count({ n: '*' }).first())?.n), 0);
    await admin()
      .put('/admin/v1/merchants/mer_nosuchmerchant/assist')
      .send({ assist_merchant_id: 1, salt: 's', login: 'abc', password: 'password1' })
      .expect(404);
    await request(t.gateway.app).put(`/admin/v1/merchants/${merchant.id}/assist`).send({}).expect(401);

    const view = await enableAssist(t.gateway.app, merchant.id, { result_url: 'https://93.184.216.34/assist-result' });
    assert.deepEqual(Object.keys(view).sort(), [
      'assist_merchant_id',
      'checkvalue_required',
      'created_at',
      'currencies',
      'enabled',
      'login',
      'merchant_id',
      'object',
      'result_url',
      'return_url_hosts',
      'testmode',
      'updated_at',
    ]);
    assert.equal(view.assist_merchant_id, 700123);
    assert.equal(view.testmode, true);

    const mine = await new MerchantClient(t.gateway.app, merchant.key).get('/v1/assist').expect(200);
    assert.deepEqual(mine.body, view);
    await new MerchantClient(t.gateway.app, other.key).get('/v1/assist').expect(404);

    const taken = await admin()
      .put(`/admin/v1/merchants/${other.id}/assist`)
      .send({ assist_merchant_id: 700123, salt: 'x', login: 'other_api', password: 'password1' })
      .expect(400);
    assert.equal(taken.body.error.param, 'assist_merchant_id');
  });

  it('keeps the SALT encrypted and the password as a scrypt hash', async () => {
    const row = await t.gateway.db('assist_merchants').where({ merchant_id: merchant.id }).first();
    const stored = JSON.stringify(row);
    assert.equal(stored.includes(ASSIST.salt), false);
    assert.equal(stored.includes(ASSIST.password), false);
    assert.match(String(row.password_hash), /^scrypt\$16384\$8\$1\$/);
    if (t.database.sqliteFile !== undefined) {
      const bytes = fs.readFileSync(t.database.sqliteFile);
      assert.equal(bytes.includes(Buffer.from(ASSIST.salt)), false);
    }
  });

  it('refuses unknown merchants, missing or wrong checkvalues and bad fields, creating nothing', async () => {
    await refused(order({ Merchant_ID: '999999' }), 2, 1);
    await refused(order({}, false), 5, 104);
    const tampered = order();
    tampered.OrderAmount = '1.00';
    await refused(tampered, 5, 103);
    await refused({ ...order(), Checkvalue: signOrder(order(), 'not-the-salt') }, 5, 103);
    await refused(order({ OrderAmount: '10.005' }), 5, 101);
    await refused(order({ OrderAmount: '10.5', OrderCurrency: 'JPY' }), 5, 101);
    await refused(order({ OrderCurrency: 'XYZ' }), 5, 102);
    await refused(order({ Language: 'FR' }), 5, 100);
    await refused(order({ URL_RETURN: 'javascript:alert(1)' }), 5, 100);
    await refused(order({ OrderNumber: 'x'.repeat(129) }), 5, 100);
  });

  it('takes every currency exponent exactly and reuses the payment when the same order is posted again', async () => {
    const kwd = order({ OrderAmount: '12.345', OrderCurrency: 'KWD' });
    const first = await postForm(t.gateway.app, '/pay/order.cfm', kwd).expect(303);
    const again = await postForm(t.gateway.app, '/pay/order.cfm', kwd).expect(303);
    assert.equal(again.headers.location, first.headers.location);
    const payments = await t.gateway.db('payments').where({ order_id: kwd.OrderNumber, merchant_id: merchant.id });
    assert.equal(payments.length, 1);
    assert.equal(Number(payments[0].amount), 12345);
    assert.equal(payments[0].currency, 'KWD');

    await postForm(t.gateway.app, '/pay/order.cfm', order({ OrderAmount: '1500', OrderCurrency: 'jpy', Delay: '1' })).expect(303);
    const jpy = await t.gateway.db('payments').where({ merchant_id: merchant.id, currency: 'JPY' }).first();
    assert.equal(Number(jpy!.amount), 1500);
    assert.equal(jpy!.capture_method, 'manual');
  });

  it("another merchant cannot see or touch this merchant's payments", async () => {
    const payment = await new MerchantClient(t.gateway.app, merchant.key).pay(CARDS.visa, { capture_method: 'manual' });
    await admin()
      .put(`/admin/v1/merchants/${other.id}/assist`)
      .send({ assist_merchant_id: 800001, salt: 'other-salt', login: 'other_api', password: 'password-other' })
      .expect(200);
    const creds = { Merchant_ID: '800001', Login: 'other_api', Password: 'password-other', Billnumber: payment.id, Format: '5' };
    const state = await postForm(t.gateway.app, '/orderstate/orderstate.cfm', creds).expect(200);
    assert.deepEqual([state.body.orderstate.firstcode, state.body.orderstate.count, state.body.orderstate.order], [0, 0, []]);
    const charge = await postForm(t.gateway.app, '/charge/charge.cfm', creds).expect(200);
    assert.equal(charge.body.charge.firstcode, 7);
    assert.equal(charge.body.charge.secondcode, 400);
    // The right merchant with another merchant's password is refused too.
    const wrong = await postForm(t.gateway.app, '/charge/charge.cfm', { ...creds, Merchant_ID: ASSIST.merchantId }).expect(200);
    assert.equal(wrong.body.charge.firstcode, 2);
    assert.equal((await new MerchantClient(t.gateway.app, merchant.key).get(`/v1/payments/${payment.id}`)).body.status, 'authorized');
  });

  it("refuses operations the order's state does not allow, and unsupported formats", async () => {
    const payment = await new MerchantClient(t.gateway.app, merchant.key).pay(CARDS.visa, { capture_method: 'manual', amount: 5000 });
    const creds = { Merchant_ID: ASSIST.merchantId, Login: ASSIST.login, Password: ASSIST.password, Billnumber: payment.id, Format: '5' };
    const tooMuch = await postForm(t.gateway.app, '/charge/charge.cfm', { ...creds, Amount: '50.01', Currency: 'RUB' }).expect(200);
    assert.deepEqual([tooMuch.body.charge.firstcode, tooMuch.body.charge.secondcode], [7, 2]);
    assert.match(tooMuch.body.charge.message, /At most 50\.00 RUB/);
    const otherCurrency = await postForm(t.gateway.app, '/charge/charge.cfm', { ...creds, Amount: '10.00', Currency: 'USD' }).expect(200);
    assert.deepEqual([otherCurrency.body.charge.firstcode, otherCurrency.body.charge.secondcode], [5, 102]);
    const partialVoid = await postForm(t.gateway.app, '/cancel/wscancel.cfm', { ...creds, Amount: '10.00', Currency: 'RUB' }).expect(200);
    assert.deepEqual([partialVoid.body.wscancel.firstcode, partialVoid.body.wscancel.secondcode], [5, 101]);
    assert.match(partialVoid.body.wscancel.message, /Partial voids are not possible/);
    const format = await postForm(t.gateway.app, '/orderstate/orderstate.cfm', { ...creds, Format: '4' }).expect(200);
    assert.match(format.text, /<result firstcode="5" secondcode="105"/);

    const voided = await postForm(t.gateway.app, '/cancel/wscancel.cfm', creds).expect(200);
    assert.equal(voided.body.wscancel.order[0].orderstate, 'Canceled');
    const again = await postForm(t.gateway.app, '/charge/charge.cfm', creds).expect(200);
    assert.deepEqual([again.body.charge.firstcode, again.body.charge.secondcode], [7, 1]);
  });

  it("answers an unreadable body in Assist's terms", async () => {
    const before = await rowCounts(t.gateway.db);
    const json = await request(t.gateway.app).post('/pay/payrequest.cfm').set('Content-Type', 'application/json').send('{"Merchant_ID": 700123,').expect(200);
    assert.deepEqual([json.body.firstcode, json.body.secondcode, json.body.url], [5, 100, '']);
    const page = await request(t.gateway.app).post('/pay/order.cfm').set('Content-Type', 'application/json').send('{not json').expect(400);
    assert.match(page.text, /firstcode=<span id="firstcode">5<\/span>/);
    assert.deepEqual(await rowCounts(t.gateway.db), before);
  });

  it('leaves /pay/<token> to the hosted page and loads by package name', async () => {
    // The hosted page answers for tokens (an HTML page, not the plugin and not JSON).
    const res = await request(t.gateway.app).get('/pay/some-token').expect(404);
    assert.match(String(res.headers['content-type']), /text\/html/);
    // Assist's own URLs answer any method Assist-style (the buyer's error page), never Tender's 404.
    const get = await request(t.gateway.app).get('/pay/order.cfm').expect(400);
    assert.match(get.text, /firstcode=<span id="firstcode">5<\/span> secondcode=<span id="secondcode">106<\/span>/);
    const [loaded] = loadPluginModules(['@tender/plugin-assist-compat']);
    assert.equal(loaded?.name, '@tender/plugin-assist-compat');
  });
});
