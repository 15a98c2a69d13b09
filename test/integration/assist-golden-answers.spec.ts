import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { FixedClock } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { createAssistPlugin } from '@tender/plugin-assist-compat';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { ASSIST, enableAssist, rowCounts } from '../support/assist-shop';
import { AssistApiError, AssistReferenceClient } from '../support/assist-reference-client';

/**
 * Golden answers of every Assist web-service endpoint in every format, driven by a
 * client written from the provider's reference (test/support/assist-reference-client.ts).
 * The files in test/fixtures/assist/answers hold the exact text expected; {{...}} marks
 * what changes per run (billnumbers, approval codes). The shapes follow the reference as
 * docs/assist-migration.md records it; the checkvalues are checked by the client's own md5 chain.
 */
const DIR = path.join(__dirname, '..', '..', 'fixtures', 'assist', 'answers');
const NOW = Date.parse('2026-11-20T10:30:00Z');

describe('Assist answers: golden texts, driven by the reference client', function () {
  let t: TestGateway;
  let shop: MerchantClient;
  let client: AssistReferenceClient;
  const values: Record<string, string> = {};

  /** Every bank operation's approval code is the sandbox's random one: templated like the billnumber. */
  async function noteApprovalCodes(bill = values.bill, prefix = 'approval_'): Promise<void> {
    const ops = await t.gateway.db('bank_operations').where({ payment_id: bill }).orderBy('seq', 'asc');
    ops.forEach((o, i) => {
      if (o.authorization_code !== null && o.authorization_code !== values.approval) values[`${prefix}${i + 1}`] = String(o.authorization_code);
    });
  }

  function golden(name: string, text: string): void {
    const file = path.join(DIR, name);
    if (!fs.existsSync(file)) {
      // A new golden is written once from the answer, then read by a person against the reference; the test fails until then.
      let templated = text;
      for (const [k, v] of Object.entries(values).sort(([, a], [, b]) => b.length - a.length)) templated = templated.split(v).join(`{{${k}}}`);
      fs.writeFileSync(file, `${templated}\n`);
      assert.fail(`${name} was missing: written from this run, check it against the reference`);
    }
    let expected = fs.readFileSync(file, 'utf8');
    for (const [k, v] of Object.entries(values)) expected = expected.split(`{{${k}}}`).join(v);
    assert.equal(text, expected.replace(/\n$/, ''), `${name} differs`);
  }

  async function raw(p: string, fields: Record<string, string>): Promise<string> {
    return client.post(p, fields);
  }

  async function counts(paymentId: string): Promise<Record<string, number>> {
    const ops = await t.gateway.db('bank_operations').where({ payment_id: paymentId }).select('kind');
    const out: Record<string, number> = {};
    for (const o of ops) out[String(o.kind)] = (out[String(o.kind)] ?? 0) + 1;
    out.refunds = (await t.gateway.db('refunds').where({ payment_id: paymentId })).length;
    return out;
  }

  before(async () => {
    t = await startTestGateway({ clock: new FixedClock(NOW), plugins: [sandboxPlugin, createAssistPlugin()] });
    const merchant = await t.createMerchant();
    shop = new MerchantClient(t.gateway.app, merchant.key);
    await enableAssist(t.gateway.app, merchant.id, { result_url: null });
    client = new AssistReferenceClient(t.gateway.app, { merchantId: ASSIST.merchantId, login: ASSIST.login, password: ASSIST.password, salt: ASSIST.salt });
  });
  after(() => t.close());

  it("payrequest.cfm answers the flat {url, expirationtime, orderstate} (expiry = the page's)", async () => {
    const res = await request(t.gateway.app)
      .post('/pay/payrequest.cfm')
      .type('form')
      .send({ Merchant_ID: ASSIST.merchantId, OrderNumber: 'G-1', OrderAmount: '1500.00', OrderCurrency: 'RUB', Delay: '1', Checkvalue: '' })
      .expect(200);
    // Checkvalue is required: refused, flat, nothing created.
    assert.deepEqual(res.body, {
      url: '',
      expirationtime: '',
      orderstate: 'Declined',
      firstcode: 5,
      secondcode: 104,
      count: 0,
      message: 'Checkvalue is required for this merchant.',
    });
    const order = await client.payrequest({ OrderNumber: 'G-1', OrderAmount: '1500.00', OrderCurrency: 'RUB', Delay: '1' });
    values.bill = order.billnumber;
    values.url = order.url;
    assert.equal(order.expirationtime, '20.11.2026 11:00:00', 'created at 10:30, the page lives 30 minutes');
    const again = await request(t.gateway.app)
      .post('/pay/payrequest.cfm')
      .type('form')
      .send({ Merchant_ID: ASSIST.merchantId, OrderNumber: 'G-1', OrderAmount: '1500.00', OrderCurrency: 'RUB', Delay: '1', Checkvalue: '', Format: '3' });
    golden('payrequest-refused.xml', again.text);
  });

  it('orderstate.cfm in CSV, XML and JSON, with the card, approval and operations', async () => {
    await shop.post(`/v1/payments/${values.bill}/confirm`, card(CARDS.visa)).expect(200);
    const op = await t.gateway.db('bank_operations').where({ payment_id: values.bill, kind: 'authorize' }).first();
    values.approval = String(op!.authorization_code);
    golden('orderstate.xml', await raw('/orderstate/orderstate.cfm', { Billnumber: values.bill, Format: '3' }));
    golden('orderstate.json', await raw('/orderstate/orderstate.cfm', { Billnumber: values.bill, Format: '5' }));
    golden('orderstate.csv', await raw('/orderstate/orderstate.cfm', { Billnumber: values.bill, Format: '1' }));
    for (const format of ['1', '3', '5'] as const) {
      const { orders } = await client.orderstate({ Ordernumber: 'G-1' }, format);
      assert.equal(orders.length, 1);
      assert.equal(orders[0].orderstate, 'Delayed');
      assert.equal(orders[0].meannumber, '424242****4242');
      assert.equal(orders[0].meantypename, 'VISA');
    }
  });

  it('charge.cfm answers result/orders/order; a retry after a timeout charges nothing more', async () => {
    const before = await counts(values.bill);
    const charged = await raw('/charge/charge.cfm', { Billnumber: values.bill, Amount: '600.00', Currency: 'RUB', Format: '3' });
    await noteApprovalCodes();
    golden('charge.xml', charged);
    const retried = await client.charge(values.bill, { Amount: '600.00', Currency: 'RUB' }, '5');
    assert.equal(retried.orderstate, 'PartialApproved');
    assert.deepEqual(await counts(values.bill), { ...before, capture: 1 });
    golden('charge.json', await raw('/charge/charge.cfm', { Billnumber: values.bill, Amount: '600.00', Currency: 'RUB', Format: '5' }));
  });

  it('wscancel.cfm answers wscancel.order with checkdata; a retry refunds nothing more', async () => {
    const canceled = await raw('/cancel/wscancel.cfm', { Billnumber: values.bill, Amount: '250.00', Currency: 'RUB', Format: '5' });
    await noteApprovalCodes();
    golden('wscancel.json', canceled);
    const again = await client.wscancel(values.bill, { Amount: '250.00', Currency: 'RUB' }, '3');
    assert.equal(again.orderstate, 'PartialCanceled');
    assert.equal((await counts(values.bill)).refunds, 1);
    golden('wscancel.xml', await raw('/cancel/wscancel.cfm', { Billnumber: values.bill, Amount: '250.00', Currency: 'RUB', Format: '3' }));
  });

  it('refusals say what went wrong in major units: too much to return, a partial void', async () => {
    await assert.rejects(
      client.wscancel(values.bill, { Amount: '400.00', Currency: 'RUB' }),
      (e: AssistApiError) => e.firstcode === 7 && e.secondcode === 2 && /At most 350\.00 RUB can still be returned/.test(e.message),
    );
    const p = await client.payrequest({ OrderNumber: 'G-2', OrderAmount: '300.00', OrderCurrency: 'RUB', Delay: '1' });
    await shop.post(`/v1/payments/${p.billnumber}/confirm`, card(CARDS.visa)).expect(200);
    const before = await rowCounts(t.gateway.db);
    await assert.rejects(
      client.charge(p.billnumber, { Amount: '300.01', Currency: 'RUB' }),
      (e: AssistApiError) => e.firstcode === 7 && /At most 300\.00 RUB/.test(e.message),
    );
    await assert.rejects(
      client.wscancel(p.billnumber, { Amount: '100.00', Currency: 'RUB' }),
      (e: AssistApiError) => e.secondcode === 101 && /Partial voids are not possible/.test(e.message) && /300\.00 RUB/.test(e.message),
    );
    assert.deepEqual(await rowCounts(t.gateway.db), before, 'a refusal changes nothing');
    const voided = await client.wscancel(p.billnumber);
    values.bill2 = p.billnumber;
    await noteApprovalCodes(p.billnumber, 'approval2_');
    assert.equal(voided.orderstate, 'Canceled');
    assert.equal((await client.wscancel(p.billnumber)).orderstate, 'Canceled', 'a repeated void answers the canceled order');
  });

  it('orderresult.cfm lists the results of the period; orderstate pages a listing', async () => {
    golden('orderresult.json', await raw('/orderresult/orderresult.cfm', { StartYear: '2026', StartMonth: '11', StartDay: '20', Format: '5' }));
    const orders = await client.orderresult({ StartYear: '2026', StartMonth: '11', StartDay: '20' }, '3');
    assert.deepEqual(
      orders.map((o) => o.ordernumber),
      ['G-1', 'G-2'],
    );
    const second = await client.orderstate({ StartYear: '2026', StartMonth: '11', StartDay: '20', PageSize: '1', Page: '2' }, '5');
    assert.deepEqual(
      second.orders.map((o) => o.ordernumber),
      ['G-2'],
    );
    assert.deepEqual([second.head.count, second.head.page, second.head.pages, second.head.total], ['1', '2', '2', '2']);
  });

  it("any failure under an Assist path is answered Assist-style, never Tender's JSON 404", async () => {
    golden('bad-password.xml', await raw('/orderstate/orderstate.cfm', { Billnumber: values.bill, Password: 'wrong-horse-9' }));
    golden('unknown-bill.json', await raw('/charge/charge.cfm', { Billnumber: 'pay_doesnotexist', Format: '5' }));
    golden('unknown-operation.xml', await raw('/orderstate/whatever.cfm', {}));
    const get = await request(t.gateway.app)
      .get('/charge/charge.cfm')
      .expect(200)
      .expect('Content-Type', /application\/xml/);
    golden('get-charge.xml', get.text);
    const format = await raw('/orderstate/orderstate.cfm', { Billnumber: values.bill, Format: '4' });
    assert.match(format, /firstcode="5" secondcode="105"/);
  });
});
