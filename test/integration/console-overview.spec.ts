import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { AuthorizationRequest, BankResult } from '@tender/core';
import { BankOperatorAlerts } from '@tender/core/dist/banks/operator-alerts';
import { ConnectionHealth } from '@tender/core/dist/routing/connection-health';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { COMPANY, OperatorClient, apply, makeLive } from '../support/operator-client';
import { StandInBankAdapter, standInBankPlugin } from '../support/standin-bank';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { putMerchantRules } from '../support/risk-helpers';
import { WebAgent, merchantAgent, operatorAgent } from '../support/web-session';

/** The stand-in bank (a bank outside Tender, in process) declines the amount 1313 and approves the rest. */
class DecliningStandIn extends StandInBankAdapter {
  override async authorize(request: AuthorizationRequest): Promise<BankResult> {
    if (request.amount === 1313) return { kind: 'declined', reason: 'do_not_honor', rawCode: '05', message: 'Do not honor' };
    return super.authorize(request);
  }
}

/** The value of a data attribute on the element with this id. */
function dataOf(html: string, id: string, attribute: string): string | undefined {
  const tag = new RegExp(`<[^>]*id="${id}"[^>]*>`).exec(html)?.[0] ?? '';
  return new RegExp(`data-${attribute}="([^"]*)"`).exec(tag)?.[1];
}

describe('operator console home: the overview', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let op: WebAgent;

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, standInBankPlugin(new DecliningStandIn())] });
    await new OperatorClient(t.gateway.app)
      .post('/admin/v1/banks', { code: 'alfa', name: 'Alfa Stand-in', adapter_code: 'standin-bank', currencies: ['RUB', 'USD'] })
      .expect(201);
    op = await operatorAgent(t);
  });
  after(() => t?.close());

  it('starts empty and calm', async () => {
    const home = await op.agent.get('/console').expect(200);
    assert.equal(dataOf(home.text, 'overview-today', 'count'), '0');
    assert.equal(dataOf(home.text, 'overview-recent', 'count'), '0');
    assert.equal(dataOf(home.text, 'overview-applications', 'waiting'), '0');
    assert.match(home.text, /Nothing waits for a decision/);
    // Each panel links to its screen.
    assert.match(home.text, /id="overview-applications"[^>]*>\s*<h2><a href="\/console\/merchants">/);
  });

  it('counts live payments of every merchant, never test ones, with volume and approval rate', async () => {
    const a = await makeLive(t.gateway.app, 'Overview Shop A', 'alfa', 'T0000101');
    const b = await makeLive(t.gateway.app, 'Overview Shop B', 'alfa', 'T0000102');
    const liveA = new MerchantClient(t.gateway.app, a.liveKey);
    const liveB = new MerchantClient(t.gateway.app, b.liveKey);
    const testA = new MerchantClient(t.gateway.app, a.testKey);
    const pay = async (shop: MerchantClient, amount: number, number: string = CARDS.visa) => {
      const p = await shop.createPayment({ amount, currency: 'RUB' });
      await shop.post(`/v1/payments/${p.id}/confirm`, card(number)).expect(200);
    };
    await pay(liveA, 249_900);
    await pay(liveB, 100_050);
    await pay(liveB, 1313); // declined by the bank
    await pay(testA, 777_700); // test mode: not in the operator's live figures

    const home = await op.agent.get('/console').expect(200);
    assert.equal(dataOf(home.text, 'overview-today', 'count'), '3');
    assert.equal(dataOf(home.text, 'overview-recent', 'count'), '3');
    // 2 approved of 3 decided; 2499.00 + 1000.50 approved, the declined 13.13 and the test payment not counted.
    assert.match(home.text, /66\.7\s?%/);
    assert.match(home.text, /3,499\.50/);
    assert.doesNotMatch(home.text, /7,777\.00/);
  });

  it('lists the merchants waiting on the operator or a bank, not the ones still testing', async () => {
    await apply(t.gateway.app, 'Still Testing', 'still-testing@shop.example');
    const m = await apply(t.gateway.app, 'Waiting Shop', 'waiting-shop@shop.example');
    const auth = (r: request.Test) => r.set('Authorization', `Bearer ${m.key}`);
    await auth(request(t.gateway.app).post('/v1/account/registration')).send(COMPANY).expect(200);
    await auth(request(t.gateway.app).post('/v1/account/bank')).send({ bank: 'alfa' }).expect(200);
    const home = await op.agent.get('/console').expect(200);
    assert.equal(dataOf(home.text, 'overview-applications', 'waiting'), '1');
    assert.match(home.text, new RegExp(`data-merchant="${m.id}"><a href="/console/merchants/${m.id}">Waiting Shop</a>`));
    assert.doesNotMatch(home.text, /Still Testing/);
  });

  it('shows banks with open breakers, open risk reviews and bank alerts', async () => {
    const connection = await t.gateway.db('bank_connections').where({ bank_code: 'alfa' }).first();
    const health = t.gateway.container.resolve(ConnectionHealth);
    for (let i = 0; i < 10; i++) health.record(String(connection!.id), false, 250);

    // A review: a test payment above the merchant's review threshold (reviews wait in both modes).
    const shop = await apply(t.gateway.app, 'Review Shop', 'review-shop@shop.example');
    const client = new MerchantClient(t.gateway.app, shop.key);
    await putMerchantRules(t.gateway.app, client, { rules: { amount: { max_amounts: { RUB: 100000 }, max_score: 80 } } }).expect(200);
    const held = await client.createPayment({ amount: 150_000, currency: 'RUB' });
    await client.post(`/v1/payments/${held.id}/confirm`, card(CARDS.visa)).expect(200);
    const payment = await t.gateway.db('payments').where({ id: held.id }).first();

    await t.gateway.container
      .resolve(BankOperatorAlerts)
      .raise({ kind: 'reversal_refused', reference: 'op_overview_1', paymentId: String(payment!.id), summary: 'reversal refused 3 times (96) <script>' });

    const home = await op.agent.get('/console').expect(200);
    assert.equal(dataOf(home.text, 'overview-banks', 'troubled'), '1');
    assert.match(home.text, /data-bank="alfa"><strong>Alfa Stand-in<\/strong>/);
    assert.equal(dataOf(home.text, 'overview-alerts', 'reviews'), '1');
    assert.equal(dataOf(home.text, 'overview-alerts', 'bank-alerts'), '1');
    assert.match(home.text, /op_overview_1/);
    // The summary is text, escaped like everything else on the page.
    assert.match(home.text, /reversal refused 3 times \(96\) &lt;script&gt;/);
    assert.doesNotMatch(home.text, /Nothing waits for a decision/);
  });

  it('is for operators only', async () => {
    const merchant = await merchantAgent(t, { role: 'owner' });
    const res = await merchant.agent.get('/console');
    assert.notEqual(res.status, 200);
    await request(t.gateway.app)
      .get('/console')
      .expect((r) => assert.ok(r.status === 302 || r.status === 303 || r.status === 401, String(r.status)));
  });
});
