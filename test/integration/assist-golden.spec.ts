import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { FixedClock } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { createAssistPlugin } from '@tender/plugin-assist-compat';
import { TestGateway, startTestGateway } from '../support/test-gateway';
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

describe('Assist protocol: golden order.cfm requests', function () {
  let t: TestGateway;
  const values: Record<string, string> = {};

  function send(name: string): request.Test {
    const req = JSON.parse(fill(fixture(`${name}.request.json`), values)) as FixtureRequest;
    const r = request(t.gateway.app).post(req.path);
    return req.json !== undefined ? r.send(req.json) : r.type('form').send(req.form ?? {});
  }

  before(async () => {
    t = await startTestGateway({ clock: new FixedClock(Date.parse('2026-11-20T10:30:00Z')), plugins: [sandboxPlugin, createAssistPlugin()] });
    const merchant = await t.createMerchant();
    await enableAssist(t.gateway.app, merchant.id, { result_url: null });
  });
  after(() => t.close());

  it('order.cfm: creates the payment and answers 303 to its payment page', async () => {
    const res = await send('order-cfm').expect(303);
    const location = String(res.headers.location);
    assert.match(location, /^http:\/\/pay\.tender\.test\/pay\/[A-Za-z0-9_-]+$/);
    const payment = await t.gateway.db('payments').where({ order_id: 'A-1000' }).first();
    assert.equal(location.endsWith(`/pay/${String(payment!.page_token)}`), true);
    assert.equal(Number(payment!.amount), 150000);
    assert.equal(payment!.capture_method, 'automatic');
    assert.equal(payment!.return_url, 'https://shop.example/return');
    assert.deepEqual(JSON.parse(String(payment!.metadata)), {
      locale: 'en',
      assist_email: 'anna@example.com',
      assist_firstname: 'Anna',
      assist_lastname: 'Smirnova',
      assist_mobilephone: '+79001234567',
      assist_url_return_ok: 'https://shop.example/ok',
      assist_url_return_no: 'https://shop.example/no',
    });
    values.billnumber_1000 = String(payment!.id);
  });

  it('order.cfm: a wrong Checkvalue (a tampered amount) is refused with 5/103 and creates nothing', async () => {
    const before = await rowCounts(t.gateway.db);
    const res = await send('order-cfm-wrong-checkvalue')
      .expect(400)
      .expect('Content-Type', /text\/html/);
    assert.match(res.text, /firstcode=<span id="firstcode">5<\/span> secondcode=<span id="secondcode">103<\/span>/);
    assert.deepEqual(await rowCounts(t.gateway.db), before);
  });

  // The web-service answers (payrequest, orderstate, charge, wscancel, orderresult) have their golden texts in assist-golden-answers.spec.ts.
});
