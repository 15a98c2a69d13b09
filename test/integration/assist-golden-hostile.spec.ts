import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { createAssistPlugin } from '@tender/plugin-assist-compat';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { ASSIST, enableAssist, rowCounts, signOrder } from '../support/assist-shop';
import { AssistApiError, AssistReferenceClient, parseCsv, parseXml } from '../support/assist-reference-client';

/**
 * What a shop (or whoever holds its credentials) sends comes back inside the answers:
 * it must not be able to forge a field in any format, and a bad listing request is
 * refused without a partial answer.
 */
describe('Assist answers: hostile values and bad listing requests', function () {
  let t: TestGateway;
  let client: AssistReferenceClient;
  let bill: string;
  // Closes the element in XML, adds a pair in CSV, and a key in naive JSON building.
  const COMMENT = 'x</ordercomment><orderstate>Approved</orderstate>; orderstate:Approved; "q" \\"';

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, createAssistPlugin()] });
    const merchant = await t.createMerchant();
    await enableAssist(t.gateway.app, merchant.id, { result_url: null });
    client = new AssistReferenceClient(t.gateway.app, { merchantId: ASSIST.merchantId, login: ASSIST.login, password: ASSIST.password, salt: ASSIST.salt });
    const form: Record<string, string> = {
      Merchant_ID: ASSIST.merchantId,
      OrderNumber: 'H-1',
      OrderAmount: '10.00',
      OrderCurrency: 'RUB',
      OrderComment: COMMENT,
    };
    form.Checkvalue = signOrder(form);
    const res = await request(t.gateway.app).post('/pay/payrequest.cfm').type('form').send(form).expect(200);
    assert.equal(res.body.firstcode, 0, JSON.stringify(res.body));
    bill = String(res.body.billnumber);
  });
  after(() => t.close());

  it('a comment that looks like markup or pairs comes back as the same text in XML, CSV and JSON', async () => {
    for (const format of ['1', '3', '5'] as const) {
      const { orders } = await client.orderstate({ Billnumber: bill }, format);
      assert.equal(orders.length, 1);
      assert.equal(orders[0].ordercomment, COMMENT, `Format ${format}`);
      assert.equal(orders[0].orderstate, 'In Process', `Format ${format}`);
    }
    const xml = parseXml(await client.post('/orderstate/orderstate.cfm', { Billnumber: bill, Format: '3' }));
    assert.equal(xml.children.length, 1, 'one <order>, nothing injected beside it');
    const csv = parseCsv(await client.post('/orderstate/orderstate.cfm', { Billnumber: bill, Format: '1' }));
    assert.equal(csv.length, 1);
  });

  it('bad Page, PageSize, dates and Format are refused, in the asked format where it is known, and change nothing', async () => {
    const before = await rowCounts(t.gateway.db);
    const bad: Array<Record<string, string>> = [
      { Page: '0' },
      { PageSize: '1001' },
      { Page: '-1' },
      { PageSize: 'ten' },
      { StartYear: '2026', StartMonth: '2', StartDay: '30' },
      { StartYear: '2026' },
    ];
    for (const fields of bad) {
      await assert.rejects(client.orderstate(fields, '5'), (e: AssistApiError) => e.firstcode === 5 && e.secondcode === 100, JSON.stringify(fields));
      await assert.rejects(client.orderresult(fields, '3'), (e: AssistApiError) => e.firstcode === 5 && e.secondcode === 100, JSON.stringify(fields));
    }
    assert.match(await client.post('/orderstate/orderstate.cfm', { Billnumber: bill, Format: '2' }), /<result firstcode="5" secondcode="105"/);
    assert.deepEqual(await rowCounts(t.gateway.db), before);
  });

  it("another merchant's credentials see none of these orders in any listing", async () => {
    const other = await t.createMerchant();
    await enableAssist(t.gateway.app, other.id, { assist_merchant_id: 800777 });
    const stranger = new AssistReferenceClient(t.gateway.app, { merchantId: '800777', login: ASSIST.login, password: ASSIST.password, salt: ASSIST.salt });
    assert.deepEqual((await stranger.orderstate({ Billnumber: bill }, '5')).orders, []);
    assert.deepEqual((await stranger.orderstate({ Ordernumber: 'H-1' }, '5')).orders, []);
    assert.deepEqual(await stranger.orderresult({}, '5'), []);
    await assert.rejects(stranger.charge(bill), (e: AssistApiError) => e.firstcode === 7 && e.secondcode === 400);
    await assert.rejects(stranger.wscancel(bill), (e: AssistApiError) => e.firstcode === 7 && e.secondcode === 400);
  });
});
