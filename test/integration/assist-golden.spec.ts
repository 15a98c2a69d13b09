import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { FixedClock } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { createAssistPlugin } from '@tender/plugin-assist-compat';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { enableAssist, rowCounts } from '../support/assist-shop';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'assist');

interface FixtureRequest {
  path: string;
  form?: Record<string, string>;
  json?: Record<string, string>;
}

/** Golden request/response pairs (test/fixtures/assist): the checkvalues in them were computed outside Node, with Python's hashlib. */
function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`no value for {{${key}}}`);
    return value;
  });
}

describe('Assist protocol: golden request/response pairs', function () {
  let t: TestGateway;
  let shop: MerchantClient;
  const values: Record<string, string> = {};

  function send(name: string): request.Test {
    const req = JSON.parse(fill(fixture(`${name}.request.json`), values)) as FixtureRequest;
    const r = request(t.gateway.app).post(req.path);
    return req.json !== undefined ? r.send(req.json) : r.type('form').send(req.form ?? {});
  }

  async function expectXml(name: string): Promise<void> {
    const res = await send(name).expect(200).expect('Content-Type', /application\/xml/);
    assert.equal(res.text, fill(fixture(`${name}.response.xml`), values).trimEnd());
  }

  async function expectJson(name: string): Promise<void> {
    const res = await send(name).expect(200).expect('Content-Type', /application\/json/);
    assert.deepEqual(res.body, JSON.parse(fill(fixture(`${name}.response.json`), values)));
  }

  before(async () => {
    t = await startTestGateway({ clock: new FixedClock(Date.parse('2026-11-20T10:30:00Z')), plugins: [sandboxPlugin, createAssistPlugin()] });
    const merchant = await t.createMerchant();
    shop = new MerchantClient(t.gateway.app, merchant.key);
    await enableAssist(t.gateway.app, merchant.id, { result_url: null });
  });
  after(() => t.close());

  it('order.cfm: creates the payment and answers 303 to its payment page', async () => {
    const res = await send('order-cfm').expect(303);
    const location = String(res.headers.location);
    assert.match(location, /^http:\/\/pay\.tender\.test\/pay\/[A-Za-z0-9_-]+$/);
    const payment = await t.gateway.db('payments').where({ order_id: 'A-1000' }).first();
    assert.equal(location.endsWith(`/pay/${String(payment.page_token)}`), true);
    assert.equal(Number(payment.amount), 150000);
    assert.equal(payment.capture_method, 'automatic');
    assert.equal(payment.return_url, 'https://shop.example/return');
    assert.deepEqual(JSON.parse(String(payment.metadata)), {
      locale: 'en',
      assist_email: 'anna@example.com',
      assist_firstname: 'Anna',
      assist_lastname: 'Smirnova',
      assist_mobilephone: '+79001234567',
      assist_url_return_ok: 'https://shop.example/ok',
      assist_url_return_no: 'https://shop.example/no',
    });
    values.billnumber_1000 = String(payment.id);
  });

  it('order.cfm: a wrong Checkvalue (a tampered amount) is refused with 5/103 and creates nothing', async () => {
    const before = await rowCounts(t.gateway.db);
    const res = await send('order-cfm-wrong-checkvalue').expect(400).expect('Content-Type', /text\/html/);
    assert.match(res.text, /firstcode=<span id="firstcode">5<\/span> secondcode=<span id="secondcode">103<\/span>/);
    assert.deepEqual(await rowCounts(t.gateway.db), before);
  });

  it('payrequest.cfm: creates a two-stage payment and answers its page URL (Format 5)', async () => {
    const res = await send('payrequest-cfm').expect(200);
    const order = res.body.result.order[0];
    values.billnumber = String(order.billnumber);
    values.url = String(order.url);
    assert.match(values.url, /^http:\/\/pay\.tender\.test\/pay\//);
    assert.deepEqual(res.body, JSON.parse(fill(fixture('payrequest-cfm.response.json'), values)));
    const payment = await t.gateway.db('payments').where({ id: values.billnumber }).first();
    assert.equal(payment.capture_method, 'manual');
    assert.equal(JSON.parse(String(payment.metadata)).locale, 'ru');
  });

  it('orderstate.cfm Format 3: the authorized order is Delayed', async () => {
    // The buyer pays through Tender's confirm API: the hosted page is not part of this branch.
    await shop.post(`/v1/payments/${values.billnumber}/confirm`, card(CARDS.visa)).expect(200);
    const op = await t.gateway.db('bank_operations').where({ payment_id: values.billnumber, kind: 'authorize' }).first();
    values.approvalcode = String(op.authorization_code);
    assert.match(values.approvalcode, /^\w{6}$/);
    await expectXml('orderstate-xml');
  });

  it('charge.cfm: a partial charge makes it PartialApproved', async () => {
    await expectXml('charge-cfm');
  });

  it('orderstate.cfm Format 5 by Billnumber', async () => {
    await expectJson('orderstate-json');
  });

  it('wscancel.cfm: a partial refund makes it PartialCanceled', async () => {
    await expectXml('wscancel-cfm');
  });

  it('orderstate.cfm: the date-range listing', async () => {
    await expectXml('orderstate-listing');
  });

  it('refuses a wrong password with 2/2 and an unknown Billnumber with 7/400', async () => {
    await expectXml('orderstate-bad-password');
    await expectJson('charge-unknown-bill');
  });
});
