import assert from 'node:assert/strict';
import request from 'supertest';
import { FixedClock } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { createAssistPlugin } from '@tender/plugin-assist-compat';
import { createSaleorPlugin } from '@tender/plugin-saleor';
import { SaleorTransactionService } from '@tender/plugin-saleor/dist/saleor-transaction.service';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { OperatorClient } from '../support/operator-client';
import { cardFormOf, expiry } from '../support/hosted-page';
import { ASSIST, enableAssist, postForm, signOrder } from '../support/assist-shop';
import { admin, confirmSigned, enrolPayer, pageTokenOf } from '../support/payer-app';
import { ACCOUNT_MONEY_TABLES, assertNothingWritten, moneyRows } from '../support/money-rows';

/**
 * Issue 16, item 0, the plugin paths: a suspended merchant takes no new money through
 * the Assist protocol (order entry, its payment page, charge.cfm), the Saleor app
 * (transaction webhooks) or payments from a personal account (/pay-account and the
 * page's account form). Refunds and voids still reach the buyer. The plugins check
 * nothing themselves: the refusal comes from the core's payment services.
 */
describe('merchant standing on the plugin paths (Assist, Saleor, account payments)', function () {
  this.timeout(60_000);
  const clock = new FixedClock(Date.now());
  let t: TestGateway;
  let op: OperatorClient;

  before(async () => {
    t = await startTestGateway({ clock, plugins: [sandboxPlugin, accountsPlugin, createAssistPlugin(), createSaleorPlugin()] });
    op = new OperatorClient(t.gateway.app);
  });
  after(() => t.close());

  const app = () => t.gateway.app;
  const suspend = (id: string) => op.post(`/admin/v1/merchants/${id}/suspend`, { reason: 'chargebacks' }).expect(200);

  function assertUnavailablePage(res: request.Response): void {
    assert.equal(res.status, 403, `expected the unavailable page, got ${res.status}: ${res.text.slice(0, 300)}`);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.text, /id="error"/);
    assert.doesNotMatch(res.text, /name="form_token"/);
  }

  describe('Assist protocol', function () {
    let merchantId: string;
    let api: MerchantClient;
    let openToken: string;
    let openForm: { token: string; action: string };
    let twoStage: string;
    let paid: string;

    const order = (orderNumber: string, delay: '0' | '1' = '0'): Record<string, string> => {
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
      return form;
    };
    const operation = (path: string, billnumber: string) =>
      postForm(app(), path, { Merchant_ID: ASSIST.merchantId, Login: ASSIST.login, Password: ASSIST.password, Billnumber: billnumber, Format: '5' }).expect(
        200,
      );
    async function openOrder(orderNumber: string, delay: '0' | '1' = '0'): Promise<string> {
      const res = await postForm(app(), '/pay/order.cfm', order(orderNumber, delay)).expect(303);
      return new URL(String(res.headers.location)).pathname.split('/pay/')[1] ?? '';
    }
    async function paymentOf(orderNumber: string): Promise<string> {
      return String((await api.get(`/v1/payments?order_id=${orderNumber}`).expect(200)).body.data[0].id);
    }

    before(async () => {
      const m = await t.createMerchant('Assist Shop');
      merchantId = m.id;
      api = new MerchantClient(app(), m.key);
      await enableAssist(app(), merchantId);
      openToken = await openOrder('AS-OPEN');
      openForm = await cardFormOf(app(), openToken);
      await openOrder('AS-TWO', '1');
      twoStage = await paymentOf('AS-TWO');
      await api.post(`/v1/payments/${twoStage}/confirm`, card(CARDS.visa)).expect(200);
      await openOrder('AS-PAID');
      paid = await paymentOf('AS-PAID');
      await api.post(`/v1/payments/${paid}/confirm`, card(CARDS.visa)).expect(200);
      await suspend(merchantId);
    });

    it("order.cfm and payrequest.cfm start no payment; the buyer gets Assist's error page, not a 500", async () => {
      const before = await moneyRows(t.gateway.db, [...ACCOUNT_MONEY_TABLES, 'assist_pushes']);
      const page = await postForm(app(), '/pay/order.cfm', order('AS-NEW'));
      assert.ok(page.status >= 400 && page.status < 500, `order.cfm answered ${page.status}`);
      assert.match(page.text, /id="firstcode">7</);
      assert.match(page.text, /id="secondcode">4</);
      const json = await postForm(app(), '/pay/payrequest.cfm', { ...order('AS-NEW-2'), Format: '5' });
      assert.equal(json.body.firstcode, 7, JSON.stringify(json.body));
      assert.equal(json.body.secondcode, 4);
      await assertNothingWritten(t.gateway.db, before, 'an Assist order of a suspended merchant');
    });

    it('the payment page of an order opened earlier takes nothing, also when the order is posted again', async () => {
      const before = await moneyRows(t.gateway.db, [...ACCOUNT_MONEY_TABLES, 'assist_pushes']);
      assertUnavailablePage(await request(app()).get(`/pay/${openToken}`));
      assertUnavailablePage(
        await request(app()).post(openForm.action).type('form').send({ form_token: openForm.token, number: CARDS.visa, expiry: expiry(), cvc: '123' }),
      );
      // The same order again: Assist reuses its open payment; wherever it leads, nothing is taken.
      const again = await postForm(app(), '/pay/order.cfm', order('AS-OPEN'));
      if (again.status === 303) assertUnavailablePage(await request(app()).get(new URL(String(again.headers.location)).pathname));
      else assert.match(again.text, /id="firstcode">7</);
      await assertNothingWritten(t.gateway.db, before, 'the Assist payment page of a suspended merchant');
    });

    it('charge.cfm captures nothing; wscancel.cfm still refunds and voids', async () => {
      const charge = await operation('/charge/charge.cfm', twoStage);
      assert.equal(charge.body.charge.firstcode, 7, JSON.stringify(charge.body));
      assert.equal(charge.body.charge.secondcode, 4);
      assert.equal((await t.gateway.db('payments').where({ id: twoStage }).first())!.status, 'authorized');
      const voided = await operation('/cancel/wscancel.cfm', twoStage);
      assert.equal(voided.body.wscancel.firstcode, 0, JSON.stringify(voided.body));
      const refunded = await operation('/cancel/wscancel.cfm', paid);
      assert.equal(refunded.body.wscancel.firstcode, 0, JSON.stringify(refunded.body));
      assert.equal((await t.gateway.db('payments').where({ id: twoStage }).first())!.status, 'canceled');
      assert.equal((await t.gateway.db('payments').where({ id: paid }).first())!.status, 'refunded');
    });
  });

  describe('Saleor app', function () {
    // The installation as the transaction webhooks see it, after Saleor's register
    // call (how a store gets registered is the installation's business, not this test's).
    let inst: { id: string; merchantId: string; livemode: boolean; saleorApiUrl: string; registered: boolean };
    let api: MerchantClient;
    let seq = 0;
    let authorized: string;
    let authorizedToCancel: string;
    let charged: string;
    const transactions = () => t.gateway.container.resolve(SaleorTransactionService);

    function session(actionType: 'CHARGE' | 'AUTHORIZATION'): Parameters<SaleorTransactionService['initialize']>[1] {
      seq++;
      return {
        action: { amount: 25.5, currency: 'RUB', actionType },
        transaction: { id: `VHJhbnNhY3Rpb246${seq}`, pspReference: null },
        sourceObject: { __typename: 'Checkout', id: `Q2hlY2tvdXQ6${seq}` },
        idempotencyKey: `standing-${seq}`,
        data: null,
      };
    }
    const action = (pspReference: string, amount?: number): Parameters<SaleorTransactionService['charge']>[1] => ({
      action: { amount: amount ?? null, currency: 'RUB' },
      transaction: { id: `VHJhbnNhY3Rpb246${pspReference}`, pspReference },
    });
    async function paid(actionType: 'CHARGE' | 'AUTHORIZATION'): Promise<string> {
      const answer = await transactions().initialize(inst, session(actionType));
      const id = String(answer.pspReference);
      await api.post(`/v1/payments/${id}/confirm`, card(CARDS.visa)).expect(200);
      return id;
    }

    before(async () => {
      const m = await t.createMerchant('Saleor Shop');
      api = new MerchantClient(app(), m.key);
      inst = { id: 'sin_standing', merchantId: m.id, livemode: false, saleorApiUrl: 'https://saleor.shop.example/graphql/', registered: true };
      authorized = await paid('AUTHORIZATION');
      authorizedToCancel = await paid('AUTHORIZATION');
      charged = await paid('CHARGE');
      await suspend(m.id);
    });

    it('TRANSACTION_INITIALIZE_SESSION answers CHARGE_FAILURE with the reason and creates no payment', async () => {
      const before = await moneyRows(t.gateway.db, [...ACCOUNT_MONEY_TABLES, 'saleor_transactions']);
      const answer = await transactions().initialize(inst, session('CHARGE'));
      assert.equal(answer.result, 'CHARGE_FAILURE', JSON.stringify(answer));
      assert.match(String(answer.message), /merchant_suspended/);
      await assertNothingWritten(t.gateway.db, before, 'a Saleor session of a suspended merchant');
    });

    it('TRANSACTION_CHARGE_REQUESTED captures nothing; refunds and cancelations go through', async () => {
      const charge = await transactions().charge(inst, action(authorized));
      assert.equal(charge.result, 'CHARGE_FAILURE', JSON.stringify(charge));
      assert.match(String(charge.message), /merchant_suspended/);
      assert.equal((await t.gateway.db('payments').where({ id: authorized }).first())!.status, 'authorized');
      assert.equal((await transactions().refund(inst, action(charged, 25.5))).result, 'REFUND_SUCCESS');
      assert.equal((await transactions().cancel(inst, action(authorizedToCancel))).result, 'CANCEL_SUCCESS');
    });
  });

  describe('payments from a personal account', function () {
    let token: string;
    let paymentId: string;
    let device: Awaited<ReturnType<typeof enrolPayer>>;

    before(async () => {
      const m = await t.createMerchant('Account Shop');
      const shop = new MerchantClient(app(), m.key);
      await admin(app()).post('/ca', { common_name: 'Test payer CA' }).expect(201);
      await admin(app()).post(`/merchants/${m.id}/account-payments`, { enabled: true }).expect(200);
      device = await enrolPayer(app(), '40817810000000000001');
      const p = await shop.createPayment({ amount: 25000 });
      paymentId = p.id;
      token = pageTokenOf(p);
      await suspend(m.id);
    });

    it("a signed confirmation from the payer's app is refused with merchant_suspended; nothing is debited or written", async () => {
      const before = await moneyRows(t.gateway.db, ACCOUNT_MONEY_TABLES);
      const res = await confirmSigned(app(), device, token, {}, { iat: Math.floor(clock.now() / 1000) });
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'merchant_suspended');
      assert.equal((await t.gateway.db('payments').where({ id: paymentId }).first())!.status, 'pending');
      await assertNothingWritten(t.gateway.db, before, 'an account payment to a suspended merchant');
    });

    it("the page's account form shows the unavailable page", async () => {
      const before = await moneyRows(t.gateway.db, ACCOUNT_MONEY_TABLES);
      const formToken = /name="form_token" value="([0-9a-f]+)"/.exec((await request(app()).get(`/pay/${token}`)).text)?.[1] ?? '';
      assertUnavailablePage(
        await request(app()).post(`/pay/${token}/account`).type('form').send({ form_token: formToken, account_number: '40817810000000000001' }),
      );
      await assertNothingWritten(t.gateway.db, before, 'the account form of a suspended merchant');
    });
  });
});
