import assert from 'node:assert/strict';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { createAssistPlugin } from '@tender/plugin-assist-compat';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { ASSIST, enableAssist, independentCheckvalue, postForm, signOrder } from '../support/assist-shop';

type Push = Record<string, string>;

/** A shop's result URL on a real loopback port; it refuses the first push it gets, to make Tender retry. */
async function startShop(): Promise<{ url: string; pushes: Push[]; close(): Promise<void> }> {
  const pushes: Push[] = [];
  let refusedOnce = false;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      pushes.push(Object.fromEntries(new URLSearchParams(body)));
      const code = refusedOnce ? '0' : '1';
      refusedOnce = true;
      res
        .writeHead(200, { 'Content-Type': 'application/xml' })
        .end(`<?xml version="1.0"?><pushpaymentresult firstcode="${code}" secondcode="0"></pushpaymentresult>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/assist/result`,
    pushes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits for what the background sender does; mocha's timeout is the only limit (no assertion on time). */
async function until<T>(probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Assist protocol end to end: form POST, page, payment, push, orderstate, charge, cancel', function () {
  let t: TestGateway;
  let shop: Awaited<ReturnType<typeof startShop>>;
  let api: MerchantClient;

  before(async () => {
    shop = await startShop();
    t = await startTestGateway({
      plugins: [sandboxPlugin, createAssistPlugin({ intervalMs: 25, retryBaseMs: 25 })],
      env: { TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' },
    });
    const merchant = await t.createMerchant();
    api = new MerchantClient(t.gateway.app, merchant.key);
    await enableAssist(t.gateway.app, merchant.id, { result_url: shop.url });
    t.gateway.startBackgroundJobs();
  });
  after(async () => {
    await t.close();
    await shop.close();
  });

  function pushFor(billnumber: string, orderstate: string): Push | undefined {
    return shop.pushes.find((p) => p.billnumber === billnumber && p.orderstate === orderstate);
  }

  function assertSigned(push: Push): void {
    const x = `${push.merchant_id}${push.ordernumber}${push.orderamount}${push.ordercurrency}${push.orderstate}`;
    assert.equal(push.checkvalue, independentCheckvalue(ASSIST.salt, x));
  }

  async function orderstate(billnumber: string): Promise<Record<string, string>> {
    const res = await postForm(t.gateway.app, '/orderstate/orderstate.cfm', {
      Merchant_ID: ASSIST.merchantId,
      Login: ASSIST.login,
      Password: ASSIST.password,
      Billnumber: billnumber,
      Format: '5',
    }).expect(200);
    assert.equal(res.body.orderstate.firstcode, 0);
    return res.body.orderstate.order[0];
  }

  async function openOrder(orderNumber: string, delay: '0' | '1'): Promise<string> {
    const form: Record<string, string> = {
      Merchant_ID: ASSIST.merchantId,
      OrderNumber: orderNumber,
      OrderAmount: '2500.50',
      OrderCurrency: 'RUB',
      Delay: delay,
      Language: 'RU',
      URL_RETURN: 'https://shop.example/back',
    };
    form.Checkvalue = signOrder(form);
    const res = await postForm(t.gateway.app, '/pay/order.cfm', form).expect(303);
    const location = new URL(String(res.headers.location));
    const token = location.pathname.replace(/^\/pay\//, '');
    const payment = await t.gateway.db('payments').where({ page_token: token }).first();
    assert.equal(payment!.order_id, orderNumber);
    return String(payment!.id);
  }

  it('one-stage: pays, pushes Approved (after one refused push), shows Approved, refunds on wscancel', async () => {
    const billnumber = await openOrder('E2E-1', '0');
    // The hosted page (GET /pay/:token) is built in another branch: the buyer's payment goes through the confirm API instead.
    await api.post(`/v1/payments/${billnumber}/confirm`, card(CARDS.visa)).expect(200);

    const approved = await until(() =>
      shop.pushes.filter((p) => p.billnumber === billnumber && p.orderstate === 'Approved').length >= 2 ? pushFor(billnumber, 'Approved') : undefined,
    );
    assert.equal(approved.merchant_id, ASSIST.merchantId);
    assert.equal(approved.ordernumber, 'E2E-1');
    assert.equal(approved.orderamount, '2500.50');
    assert.equal(approved.amount, '2500.50');
    assert.equal(approved.responsecode, 'AS000');
    assert.equal(approved.testmode, '1');
    assert.match(approved.approvalcode ?? '', /^\w{6}$/);
    assertSigned(approved);
    // The shop has answered; the sender records the delivery right after.
    const row = await until(
      async () => (await t.gateway.db('assist_pushes').where({ payment_id: billnumber, status: 'delivered' }).first()) as { attempts: unknown } | undefined,
    );
    assert.equal(Number(row.attempts), 2, 'the refused first delivery was retried');

    assert.equal((await orderstate(billnumber)).orderstate, 'Approved');

    const cancel = await postForm(t.gateway.app, '/cancel/wscancel.cfm', {
      Merchant_ID: ASSIST.merchantId,
      Login: ASSIST.login,
      Password: ASSIST.password,
      Billnumber: billnumber,
      Format: '5',
    }).expect(200);
    assert.equal(cancel.body.wscancel.order[0].orderstate, 'Canceled');
    assertSigned(await until(() => pushFor(billnumber, 'Canceled')));
  });

  it('two-stage: pushes Delayed, partial charge gives PartialApproved, cancel refunds the rest', async () => {
    const billnumber = await openOrder('E2E-2', '1');
    await api.post(`/v1/payments/${billnumber}/confirm`, card(CARDS.mastercard)).expect(200);
    assertSigned(await until(() => pushFor(billnumber, 'Delayed')));
    assert.equal((await orderstate(billnumber)).orderstate, 'Delayed');

    const charge = await postForm(t.gateway.app, '/charge/charge.cfm', {
      Merchant_ID: ASSIST.merchantId,
      Login: ASSIST.login,
      Password: ASSIST.password,
      Billnumber: billnumber,
      Amount: '1000.25',
      Currency: 'RUB',
      Format: '5',
    }).expect(200);
    assert.equal(charge.body.charge.firstcode, 0);
    assert.equal(charge.body.charge.orders[0].orderstate, 'PartialApproved');
    assert.equal(charge.body.charge.orders[0].amount, '1000.25');
    const partial = await until(() => pushFor(billnumber, 'PartialApproved'));
    assert.equal(partial.amount, '1000.25');
    assertSigned(partial);
    assert.equal((await orderstate(billnumber)).orderstate, 'PartialApproved');

    const cancel = await postForm(t.gateway.app, '/cancel/wscancel.cfm', {
      Merchant_ID: ASSIST.merchantId,
      Login: ASSIST.login,
      Password: ASSIST.password,
      Billnumber: billnumber,
      Format: '3',
    }).expect(200);
    assert.match(cancel.text, /<orderstate>Canceled<\/orderstate><responsecode>AS000<\/responsecode>/);
    await until(() => pushFor(billnumber, 'Canceled'));
    const payment = (await api.get(`/v1/payments/${billnumber}`).expect(200)).body;
    assert.equal(payment.status, 'refunded');
    assert.equal(payment.amount_refunded, 100025);
  });

  it('a declined card is pushed as Declined with its Assist response code', async () => {
    const billnumber = await openOrder('E2E-3', '0');
    await api.post(`/v1/payments/${billnumber}/confirm`, card(CARDS.insufficientFunds)).expect(200);
    const declined = await until(() => pushFor(billnumber, 'Declined'));
    assert.equal(declined.responsecode, 'AS102');
    assertSigned(declined);
  });
});
