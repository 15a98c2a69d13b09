import assert from 'node:assert/strict';
import request from 'supertest';
import { FixedClock } from '@tender/core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { WebAgent, markLive, merchantAgent, setMode } from '../support/web-session';

interface ChartData {
  currency: string | null;
  exponent: number;
  days: number[];
  volume: number[];
  approvalBasisPoints: Array<number | null>;
}

const chartOf = (html: string): ChartData =>
  JSON.parse(/<script type="application\/json" id="home-chart-data"[^>]*>([^<]*)<\/script>/.exec(html)?.[1] ?? 'null') as ChartData;
const section = (html: string, id: string): string => {
  const start = html.indexOf(`id="${id}"`);
  assert.ok(start >= 0, `section ${id}`);
  return html.slice(start, html.indexOf('</section>', start));
};

describe('web shell: the dashboard home', function () {
  // A fixed clock: "today" and "this month" must not move while the test runs.
  const clock = new FixedClock(Date.parse('2026-03-14T10:00:00Z'));
  let t: TestGateway;
  let web: WebAgent;
  let api: MerchantClient;

  before(async () => {
    t = await startTestGateway({ clock });
    const merchant = await t.createMerchant('Home Shop');
    api = new MerchantClient(t.gateway.app, merchant.key);
    // Yesterday: one approved payment.
    await api.pay(CARDS.visa, { amount: 50000 });
    clock.advance(24 * 3600_000);
    // Today: four approved (three in RUB, one in USD), three declined or failed, one not paid yet.
    await api.pay(CARDS.visa, { amount: 100000 });
    await api.pay(CARDS.mastercard, { amount: 250000 });
    await api.pay(CARDS.mir, { amount: 70000 });
    await api.pay(CARDS.visa, { amount: 1234, currency: 'USD' });
    await api.pay(CARDS.doNotHonor, { amount: 10000 });
    await api.pay(CARDS.doNotHonor, { amount: 20000 });
    await api.pay(CARDS.insufficientFunds, { amount: 30000 });
    await api.createPayment({ amount: 99900 });
    // Another merchant's payment never shows.
    const other = await t.createMerchant('Other Shop');
    await new MerchantClient(t.gateway.app, other.key).pay(CARDS.visa, { amount: 777700 });
    web = await merchantAgent(t, { role: 'support', merchantId: merchant.id });
  });
  after(() => t.close());

  it("shows today's and this month's volume, count and approval rate of the payments made", async () => {
    const html = (await web.agent.get('/dashboard').expect(200)).text;
    const today = section(html, 'stats-today');
    assert.match(today, /data-count="8"/);
    assert.match(today, /<dd class="figure-count">8<\/dd>/);
    assert.match(today, /data-currency="RUB">RUB\s?4,200\.00</);
    assert.match(today, /data-currency="USD">\$12\.34</);
    // 4 approved of 7 decided = 57.1 %.
    assert.match(today, /<dd class="figure-approval">57\.1%<\/dd>/);
    const month = section(html, 'stats-month');
    assert.match(month, /<dd class="figure-count">9<\/dd>/);
    assert.match(month, /data-currency="RUB">RUB\s?4,700\.00</);
    assert.match(month, /<dd class="figure-approval">62\.5%<\/dd>/);
    assert.ok(!html.includes('7,777.00'), "another merchant's payment is not counted");
  });

  it('lists the top decline reasons of the month', async () => {
    const declines = section((await web.agent.get('/dashboard').expect(200)).text, 'declines');
    const codes = [...declines.matchAll(/data-code="([a-z_]+)"><span>([^<]+)<\/span> <span class="muted" dir="ltr">(\d+)</g)].map((m) => [m[1], m[3]]);
    assert.deepEqual(codes.slice(0, 2), [
      ['do_not_honor', '2'],
      ['insufficient_funds', '1'],
    ]);
  });

  it('gives the charts one point per day with the day volume and approval rate', async () => {
    const chart = chartOf((await web.agent.get('/dashboard').expect(200)).text);
    assert.equal(chart.currency, 'RUB');
    assert.equal(chart.days.length, 30);
    assert.equal(chart.days[29], Date.parse('2026-03-15T00:00:00Z') / 1000);
    assert.equal(chart.volume[29], 420000);
    assert.equal(chart.volume[28], 50000);
    assert.equal(chart.volume[0], 0);
    assert.equal(chart.approvalBasisPoints[29], 5714);
    assert.equal(chart.approvalBasisPoints[28], 10000);
    assert.equal(chart.approvalBasisPoints[0], null);
  });

  it('switches to live mode, where this merchant has no payments, and remembers it in the session', async () => {
    await markLive(t, web.user.merchantId ?? '');
    await setMode(web, 'live');
    const html = (await web.agent.get('/dashboard').expect(200)).text;
    assert.match(section(html, 'stats-today'), /data-count="0"/);
    assert.match(html, /Figures for live mode/);
    assert.doesNotMatch(html, /class="test-banner"/);
    await setMode(web, 'test');
    assert.match(section((await web.agent.get('/dashboard').expect(200)).text, 'stats-today'), /data-count="8"/);
  });

  it("carries the merchant's brand colour over from its payment page", async () => {
    const put = await request(t.gateway.app).put('/v1/branding').set('Authorization', `Bearer ${api.key}`).send({ primary_color: '#0a7d32' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const html = (await web.agent.get('/dashboard').expect(200)).text;
    assert.match(html, /<style nonce="[^"]+">:root \{ --tender-primary: #0a7d32; \}<\/style>/);
  });
});
