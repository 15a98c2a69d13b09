import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as savedCardsPlugin } from '@tender/plugin-saved-cards';
import { plugin as assistPlugin } from '@tender/plugin-assist-compat';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { ASSIST, enableAssist, independentCheckvalue, postForm, rowCounts, signOrder } from '../support/assist-shop';

type Answer = { firstcode: number; secondcode: number; order?: Record<string, string> };

/** rp.cfm's answer, read from Format 5 (JSON) whatever the root is called. */
function answerOf(body: Record<string, unknown>): Answer {
  const root = Object.values(body).find((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && 'firstcode' in v) ?? body;
  const orders = root.order;
  const order = Array.isArray(orders) ? (orders[0] as Record<string, string> | undefined) : (orders as Record<string, string> | undefined);
  return { firstcode: Number(root.firstcode), secondcode: Number(root.secondcode), ...(order === undefined ? {} : { order }) };
}

/**
 * Issue 21 item 5: the first order (order.cfm with RecurringIndicator=1) saves the
 * card through the saved-cards plugin; rp.cfm charges it merchant-initiated; a repeat
 * of rp.cfm with the same OrderNumber never charges twice; limits and refusals write
 * nothing. The buyer pays the first order through the confirm API, as the other Assist specs do.
 */
describe('Assist rp.cfm: recurring payments on the card the first order saved', function () {
  let t: TestGateway;
  let api: MerchantClient;
  let merchantId: string;

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, savedCardsPlugin, assistPlugin] });
    const merchant = await t.createMerchant('Assist Subscriptions');
    merchantId = merchant.id;
    api = new MerchantClient(t.gateway.app, merchant.key);
    await enableAssist(t.gateway.app, merchant.id);
  });
  after(() => t.close());

  const creds = { Merchant_ID: ASSIST.merchantId, Login: ASSIST.login, Password: ASSIST.password };

  async function firstOrder(orderNumber: string, extra: Record<string, string> = {}, cardNumber: string = CARDS.visa): Promise<string> {
    const form: Record<string, string> = {
      Merchant_ID: ASSIST.merchantId,
      OrderNumber: orderNumber,
      OrderAmount: '990.00',
      OrderCurrency: 'RUB',
      RecurringIndicator: '1',
      ...extra,
    };
    form.Checkvalue = signOrder(form);
    await postForm(t.gateway.app, '/pay/order.cfm', form).expect(303);
    const payment = await t.gateway.db('payments').where({ merchant_id: merchantId, order_id: orderNumber }).first();
    assert.notEqual(payment!.customer_id, null, 'the first order is made for a customer');
    assert.equal(payment!.setup_future_usage, 'off_session');
    await api.post(`/v1/payments/${String(payment!.id)}/confirm`, card(cardNumber)).expect(200);
    return String(payment!.id);
  }

  async function rp(fields: Record<string, string>): Promise<Answer> {
    const res = await postForm(t.gateway.app, '/recurrent/rp.cfm', { ...creds, Format: '5', ...fields }).expect(200);
    return answerOf(res.body as Record<string, unknown>);
  }

  async function charges(orderNumber: string): Promise<Array<Record<string, unknown>>> {
    return t.gateway.db('payments').where({ merchant_id: merchantId, order_id: orderNumber });
  }

  it('the first order saves the card; rp.cfm charges it merchant-initiated; a repeat does not charge twice', async () => {
    const bill = await firstOrder('SUB-1');
    const saved = await t.gateway.db('customer_payment_methods').where({ merchant_id: merchantId, first_payment_id: bill }).first();
    assert.equal(saved.usage, 'off_session');

    const answer = await rp({ BillNumber: bill, OrderNumber: 'SUB-1-2', OrderAmount: '990.00', Amount: '990.00', Currency: 'RUB' });
    assert.deepEqual([answer.firstcode, answer.secondcode], [0, 0]);
    assert.equal(answer.order?.orderstate, 'Approved');
    assert.equal(answer.order?.ordernumber, 'SUB-1-2');
    const x = `${ASSIST.merchantId}SUB-1-2${answer.order?.orderamount}${answer.order?.ordercurrency}${answer.order?.orderstate}`;
    assert.equal(answer.order?.checkvalue, independentCheckvalue(ASSIST.salt, x));

    const [payment] = await charges('SUB-1-2');
    assert.equal(payment.status, 'captured');
    assert.equal(Boolean(payment.off_session), true);
    assert.equal(payment.payment_method_id, saved.id);
    assert.equal(Number(payment.amount), 99000);

    // The shop retries after a timeout: the same order is answered, not charged again.
    const again = await rp({ BillNumber: bill, OrderNumber: 'SUB-1-2', OrderAmount: '990.00', Currency: 'RUB' });
    assert.equal(again.order?.billnumber, answer.order?.billnumber);
    const concurrent = await Promise.all([1, 2, 3].map(() => rp({ BillNumber: bill, OrderNumber: 'SUB-1-3', OrderAmount: '990.00', Currency: 'RUB' })));
    assert.equal((await charges('SUB-1-2')).length, 1);
    assert.equal((await charges('SUB-1-3')).length, 1);
    assert.equal(concurrent.filter((a) => a.firstcode === 0).length >= 1, true);
    const ops = await t.gateway
      .db('bank_operations')
      .whereIn('payment_id', [String(payment.id), String((await charges('SUB-1-3'))[0].id)])
      .whereIn('kind', ['sale', 'authorize', 'capture']);
    assert.equal(ops.length, 2, 'one charge per order number');

    // A process that stopped between the charge and recording it: the repeat finds the charge.
    await t.gateway.db('assist_orders').where({ order_number: 'SUB-1-2' }).update({ payment_id: null });
    const afterCrash = await rp({ BillNumber: bill, OrderNumber: 'SUB-1-2', OrderAmount: '990.00', Currency: 'RUB' });
    assert.equal(afterCrash.order?.billnumber, answer.order?.billnumber);
    assert.equal((await charges('SUB-1-2')).length, 1);

    // Another amount under an order number already used is refused.
    const changed = await rp({ BillNumber: bill, OrderNumber: 'SUB-1-2', OrderAmount: '10.00', Currency: 'RUB' });
    assert.deepEqual([changed.firstcode, changed.secondcode], [7, 6]);
  });

  it('refuses, writing nothing: no RecurringIndicator, limits, another currency, bad input, wrong password', async () => {
    const plain = { Merchant_ID: ASSIST.merchantId, OrderNumber: 'PLAIN-1', OrderAmount: '50.00', OrderCurrency: 'RUB' };
    await postForm(t.gateway.app, '/pay/order.cfm', { ...plain, Checkvalue: signOrder(plain) }).expect(303);
    const plainBill = String((await t.gateway.db('payments').where({ merchant_id: merchantId, order_id: 'PLAIN-1' }).first())!.id);
    await api.post(`/v1/payments/${plainBill}/confirm`, card(CARDS.visa)).expect(200);
    const bill = await firstOrder('SUB-2', { RecurringMinAmount: '100.00', RecurringMaxAmount: '1000.00', RecurringMaxDate: '31.12.2099' });

    const before = { ...(await rowCounts(t.gateway.db)), orders: Number((await t.gateway.db('assist_orders').count({ n: '*' }).first())?.n) };
    const cases: Array<[Record<string, string>, number, number]> = [
      [{ BillNumber: plainBill, OrderNumber: 'R-1', OrderAmount: '50.00', Currency: 'RUB' }, 7, 9],
      [{ BillNumber: bill, OrderNumber: 'R-2', OrderAmount: '1000.01', Currency: 'RUB' }, 7, 9],
      [{ BillNumber: bill, OrderNumber: 'R-3', OrderAmount: '99.99', Currency: 'RUB' }, 7, 9],
      [{ BillNumber: bill, OrderNumber: 'R-4', OrderAmount: '500.00', Currency: 'USD' }, 7, 9],
      [{ BillNumber: bill, OrderNumber: 'R-5', OrderAmount: '500.00', Currency: 'XXX' }, 5, 102],
      [{ BillNumber: bill, OrderNumber: 'R-6', OrderAmount: '5.005', Currency: 'RUB' }, 5, 101],
      [{ BillNumber: bill, OrderNumber: 'R-7', OrderAmount: '500.00', Amount: '400.00', Currency: 'RUB' }, 5, 100],
      [{ BillNumber: 'pay_doesnotexist', OrderNumber: 'R-8', OrderAmount: '500.00', Currency: 'RUB' }, 7, 400],
      [{ BillNumber: bill, OrderAmount: '500.00', Currency: 'RUB' }, 5, 100],
      [{ BillNumber: bill, OrderNumber: 'R-9', OrderAmount: '500.00', Currency: 'RUB', Password: 'wrong-password' }, 2, 2],
    ];
    for (const [fields, firstcode, secondcode] of cases) {
      const answer = await rp(fields);
      assert.deepEqual([answer.firstcode, answer.secondcode], [firstcode, secondcode], JSON.stringify(fields));
    }
    // Format 4 (SOAP) is not served: refused in the default format, XML.
    const soap = await postForm(t.gateway.app, '/recurrent/rp.cfm', {
      ...creds,
      Format: '4',
      BillNumber: bill,
      OrderNumber: 'R-10',
      OrderAmount: '500.00',
      Currency: 'RUB',
    }).expect(200);
    assert.match(soap.text, /<result firstcode="5" secondcode="105"/);
    const after = { ...(await rowCounts(t.gateway.db)), orders: Number((await t.gateway.db('assist_orders').count({ n: '*' }).first())?.n) };
    assert.deepEqual(after, before);

    // Within the limits it goes through; the card of another merchant's payment is never reachable (the BillNumber is looked up in this merchant only).
    const ok = await rp({ BillNumber: bill, OrderNumber: 'R-11', OrderAmount: '500.00', Currency: 'RUB' });
    assert.equal(ok.order?.orderstate, 'Approved');
  });

  it('RecurringPeriod: a second recurring payment within the period is refused; a repeat of the first is still answered', async () => {
    const bill = await firstOrder('SUB-5', { RecurringPeriod: '30' });
    const first = await rp({ BillNumber: bill, OrderNumber: 'SUB-5-2', OrderAmount: '990.00', Currency: 'RUB' });
    assert.equal(first.order?.orderstate, 'Approved');
    const soon = await rp({ BillNumber: bill, OrderNumber: 'SUB-5-3', OrderAmount: '990.00', Currency: 'RUB' });
    assert.deepEqual([soon.firstcode, soon.secondcode], [7, 9]);
    assert.equal((await charges('SUB-5-3')).length, 0);
    const repeat = await rp({ BillNumber: bill, OrderNumber: 'SUB-5-2', OrderAmount: '990.00', Currency: 'RUB' });
    assert.equal(repeat.order?.billnumber, first.order?.billnumber);
  });

  it('a card deleted since the first order is refused, and the refusal leaves the order number free', async () => {
    const bill = await firstOrder('SUB-3');
    const pm = await t.gateway.db('customer_payment_methods').where({ merchant_id: merchantId, first_payment_id: bill }).first();
    await request(t.gateway.app)
      .delete(`/v1/payment_methods/${String(pm.id)}`)
      .set('Authorization', `Bearer ${api.key}`)
      .expect(200);
    const refused = await rp({ BillNumber: bill, OrderNumber: 'SUB-3-2', OrderAmount: '990.00', Currency: 'RUB' });
    assert.deepEqual([refused.firstcode, refused.secondcode], [7, 9]);
    assert.equal((await charges('SUB-3-2')).length, 0);
    assert.equal(Number((await t.gateway.db('assist_orders').where({ order_number: 'SUB-3-2' }).count({ n: '*' }).first())?.n), 0);
  });
});

describe('Assist rp.cfm without the saved-cards plugin', function () {
  let t: TestGateway;
  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, assistPlugin] });
    const merchant = await t.createMerchant('No Saved Cards');
    await enableAssist(t.gateway.app, merchant.id);
  });
  after(() => t.close());

  it('answers an Assist error, and a RecurringIndicator order is refused without writing anything', async () => {
    const res = await postForm(t.gateway.app, '/recurrent/rp.cfm', {
      Merchant_ID: ASSIST.merchantId,
      Login: ASSIST.login,
      Password: ASSIST.password,
      Format: '5',
      BillNumber: 'pay_abc',
      OrderNumber: 'R-1',
      OrderAmount: '10.00',
      Currency: 'RUB',
    }).expect(200);
    assert.deepEqual([answerOf(res.body).firstcode, answerOf(res.body).secondcode], [7, 8]);
    const before = await rowCounts(t.gateway.db);
    const form: Record<string, string> = {
      Merchant_ID: ASSIST.merchantId,
      OrderNumber: 'FIRST-1',
      OrderAmount: '10.00',
      OrderCurrency: 'RUB',
      RecurringIndicator: '1',
    };
    const page = await postForm(t.gateway.app, '/pay/order.cfm', { ...form, Checkvalue: signOrder(form) }).expect(400);
    assert.match(page.text, /firstcode=<span id="firstcode">7<\/span> secondcode=<span id="secondcode">8<\/span>/);
    assert.deepEqual(await rowCounts(t.gateway.db), before);
    assert.equal(Number((await t.gateway.db('assist_orders').count({ n: '*' }).first())?.n), 0);
  });

  it('wrong passwords lock the API login of the merchant from that address, rp.cfm and orderstate.cfm alike', async () => {
    const call = (path: string, password: string) =>
      postForm(t.gateway.app, path, {
        Merchant_ID: ASSIST.merchantId,
        Login: ASSIST.login,
        Password: password,
        Format: '5',
        BillNumber: 'pay_abc',
        OrderNumber: 'L-1',
        OrderAmount: '10.00',
        Currency: 'RUB',
      }).expect(200);
    for (let i = 0; i < 10; i++) {
      const wrong = answerOf((await call('/recurrent/rp.cfm', `wrong-${i}`)).body);
      assert.deepEqual([wrong.firstcode, wrong.secondcode], [2, 2]);
    }
    const locked = answerOf((await call('/recurrent/rp.cfm', ASSIST.password)).body);
    assert.deepEqual([locked.firstcode, locked.secondcode], [2, 3], 'even the right password waits for the lock to pass');
    const state = await call('/orderstate/orderstate.cfm', ASSIST.password);
    assert.match(state.text, /"firstcode":"?2"?/);
    assert.match(state.text, /"secondcode":"?3"?/);
  });
});
