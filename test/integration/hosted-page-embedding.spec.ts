import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { CORE_TEMPLATES_DIR, DEFAULT_THEME_DIR, FixedClock } from '@tender/core';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { cardFormOf, formOf, pageTokenOf, postCard } from '../support/hosted-page';

describe('hosted page: links, iframe embedding, branding, white label', () => {
  let t: TestGateway;
  let shop: MerchantClient;
  before(async () => {
    t = await startTestGateway();
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Link Shop')).key);
  });
  after(() => t.close());

  it('a payment link creates a payment per visit, and opening it creates nothing', async () => {
    const link = (await shop.post('/v1/payment_links', { amount: 50000, currency: 'RUB', description: 'Gift card' }).expect(201)).body;
    assert.match(link.url, /^http:\/\/pay\.tender\.test\/pay\/link\/[0-9A-Za-z]{32}$/);
    const path0 = new URL(link.url).pathname;
    const count = async () => Number((await t.gateway.db('payments').count({ n: '*' }).first())?.n);
    const before = await count();
    const landing = await request(t.gateway.app).get(path0).expect(200);
    assert.match(landing.text, /Gift card/);
    assert.equal(await count(), before);
    const locations: string[] = [];
    for (let i = 0; i < 2; i++) {
      const form = formOf((await request(t.gateway.app).get(path0)).text);
      const res = await request(t.gateway.app).post(form.action).type('form').send({ form_token: form.token }).expect(303);
      locations.push(String(res.headers.location));
    }
    assert.notEqual(locations[0], locations[1]);
    assert.equal(await count(), before + 2);
    assert.equal((await postCard(t.gateway.app, pageTokenOf(locations[0] ?? ''), CARDS.visa)).status, 303);
    assert.equal((await shop.get(`/v1/payment_links/${link.id}`).expect(200)).body.id, link.id);
    assert.equal((await shop.post('/v1/payment_links', { amount: 0, currency: 'RUB', description: 'x' }).expect(400)).body.error.code, 'amount_invalid');
  });

  it('allows framing only by the origins the merchant lists', async () => {
    const p = await shop.createPayment();
    const page = `/pay/${pageTokenOf(String(p.payment_url))}`;
    assert.match(String((await request(t.gateway.app).get(page)).headers['content-security-policy']), /frame-ancestors 'none'/);
    await request(t.gateway.app)
      .put('/v1/branding')
      .set('Authorization', `Bearer ${shop.key}`)
      .send({ frame_ancestors: ['https://shop.example'] })
      .expect(200);
    const framed = await request(t.gateway.app).get(page).expect(200);
    assert.match(String(framed.headers['content-security-policy']), /frame-ancestors https:\/\/shop\.example/);
    assert.equal(framed.headers['x-frame-options'], undefined);
    const bad = await request(t.gateway.app)
      .put('/v1/branding')
      .set('Authorization', `Bearer ${shop.key}`)
      .send({ frame_ancestors: ['https://shop.example/path'] })
      .expect(400);
    assert.equal(bad.body.error.param, 'frame_ancestors.0');
    await request(t.gateway.app).put('/v1/branding').set('Authorization', `Bearer ${shop.key}`).send({ frame_ancestors: null }).expect(200);
  });

  it('refuses unsafe templates and CSS with the line, keeps the old branding, and previews without saving', async () => {
    const put = (body: object) => request(t.gateway.app).put('/v1/branding').set('Authorization', `Bearer ${shop.key}`).send(body);
    await put({ template: '<main class="mine">{{> card_form}}</main>', primary_color: '#112233' }).expect(200);
    const cases: Array<[object, string, RegExp]> = [
      [{ template: '<main>\n{{> card_form}}\n<script>alert(1)</script></main>' }, 'template_invalid', /^Line 3: <script>/],
      [{ template: '<main>{{{payment.description}}}{{> card_form}}</main>' }, 'template_invalid', /raw output/],
      [{ template: '<main>{{#each this}}{{/each}}\n{{lookup payment "x"}}{{> card_form}}</main>' }, 'template_invalid', /^Line 2: helpers are not allowed/],
      [{ template: '<main>{{constructor.name}}{{> card_form}}</main>' }, 'template_invalid', /'constructor' cannot be read/],
      [{ template: '<main>{{> layout}}{{> card_form}}</main>' }, 'template_invalid', /partial 'layout' is not allowed/],
      [{ template: '<main>no form</main>' }, 'template_invalid', /must include the card form/],
      [{ template: '<main>\n\n{{#if x}}{{> card_form}}</main>' }, 'template_invalid', /^Line \d+:/],
      [{ template: `<main>{{> card_form}}${'x'.repeat(33_000)}</main>` }, 'template_invalid', /larger than/],
      [
        { custom_css: 'body {}\n.a { list-style-image: url(https://evil.example/t.gif) }' },
        'custom_css_invalid',
        /^Line 2: the property list-style-image is not allowed/,
      ],
      [{ custom_css: 'body {}\n.a { background: url(http://evil.example/t.gif) }' }, 'custom_css_invalid', /^Line 2: url\(\) must be an https image/],
      [{ custom_css: '</style><script>' }, 'custom_css_invalid', /cannot be parsed/],
    ];
    for (const [body, code, message] of cases) {
      const res = await put(body).expect(400);
      assert.equal(res.body.error.code, code, JSON.stringify(body).slice(0, 80));
      assert.match(res.body.error.message, message);
    }
    const stored = (await request(t.gateway.app).get('/v1/branding').set('Authorization', `Bearer ${shop.key}`).expect(200)).body;
    assert.equal(stored.template, '<main class="mine">{{> card_form}}</main>');
    assert.equal(stored.primary_color, '#112233');
    const preview = await request(t.gateway.app)
      .post('/v1/branding/preview')
      .set('Authorization', `Bearer ${shop.key}`)
      .send({ primary_color: '#445566' })
      .expect(200);
    assert.match(preview.text, /--tender-primary: #445566/);
    assert.match(preview.text, /class="mine"/);
    assert.equal((await request(t.gateway.app).get('/v1/branding').set('Authorization', `Bearer ${shop.key}`)).body.primary_color, '#112233');
    await put({ template: null, primary_color: null }).expect(200);
  });

  it("serves an operator theme kept outside the repository without its own locales (core's texts are used)", async () => {
    // A theme directory with nothing next to it: the page's texts come from @tender/core's own templates/locales.
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-operator-'));
    const dir = path.join(outside, 'acme-theme');
    fs.cpSync(DEFAULT_THEME_DIR, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'locales'), { recursive: true, force: true });
    fs.writeFileSync(
      path.join(dir, 'payment.hbs'),
      '<main class="page">\n<p id="operator-brand">Outside Theme</p>\n<p>{{t.pay_to}}</p>\n{{> order_summary}}\n{{> card_form}}\n</main>\n',
    );
    assert.equal(path.relative(path.join(__dirname, '..', '..', '..'), dir).startsWith('..'), true);
    const wl = await startTestGateway({ env: { TENDER_TEMPLATES_DIR: dir } });
    try {
      const client = new MerchantClient(wl.gateway.app, (await wl.createMerchant()).key);
      const p = await client.createPayment();
      const token = pageTokenOf(String(p.payment_url));
      const english = (JSON.parse(fs.readFileSync(path.join(CORE_TEMPLATES_DIR, 'locales', 'en.json'), 'utf8')) as { pay_to: string }).pay_to;
      const page = (await request(wl.gateway.app).get(`/pay/${token}`).set('Accept-Language', 'en').expect(200)).text;
      assert.match(page, /Outside Theme/);
      assert.ok(page.includes(english), 'the English pay_to text from core/templates/locales');
      assert.equal((await postCard(wl.gateway.app, token, CARDS.visa)).status, 303);
      assert.equal((await client.get(`/v1/payments/${p.id}`)).body.status, 'captured');
    } finally {
      await wl.close();
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('serves an operator theme from TENDER_TEMPLATES_DIR (white label) and still takes payments', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-theme-'));
    fs.cpSync(DEFAULT_THEME_DIR, dir, { recursive: true });
    fs.cpSync(path.join(CORE_TEMPLATES_DIR, 'locales'), path.join(dir, 'locales'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'payment.hbs'),
      '<main class="page white-label">\n<p id="operator-brand">Acme Payments</p>\n{{> order_summary}}\n{{> card_form}}\n</main>\n',
    );
    const wl = await startTestGateway({ env: { TENDER_TEMPLATES_DIR: dir } });
    try {
      const client = new MerchantClient(wl.gateway.app, (await wl.createMerchant()).key);
      const p = await client.createPayment();
      const token = pageTokenOf(String(p.payment_url));
      assert.match((await request(wl.gateway.app).get(`/pay/${token}`).expect(200)).text, /Acme Payments/);
      assert.equal((await postCard(wl.gateway.app, token, CARDS.visa)).status, 303);
      assert.equal((await client.get(`/v1/payments/${p.id}`)).body.status, 'captured');
    } finally {
      await wl.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hosted page: expiry and submission limits', () => {
  let t: TestGateway;
  let shop: MerchantClient;
  let clock: FixedClock;
  before(async () => {
    clock = new FixedClock(Date.UTC(2026, 0, 15, 12));
    t = await startTestGateway({ clock, env: { TENDER_PAGE_TTL_MINUTES: '30', TENDER_PAGE_SUBMITS_PER_PAYMENT: '2' } });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
  });
  after(() => t.close());

  it('stops taking cards 30 minutes after the payment was created', async () => {
    const p = await shop.createPayment({ return_url: 'https://shop.example/r' });
    const token = pageTokenOf(String(p.payment_url));
    const form = await cardFormOf(t.gateway.app, token);
    clock.advance(31 * 60_000);
    const expired = await request(t.gateway.app).get(`/pay/${token}`).expect(410);
    assert.match(expired.text, /expired/);
    await request(t.gateway.app).post(form.action).type('form').send({ form_token: form.token, number: CARDS.visa, expiry: '12/40', cvc: '123' }).expect(303);
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'pending');
  });

  it('limits card-form submissions per payment', async () => {
    const p = await shop.createPayment();
    const token = pageTokenOf(String(p.payment_url));
    assert.equal((await postCard(t.gateway.app, token, '4242424242424241')).status, 422);
    assert.equal((await postCard(t.gateway.app, token, '4242424242424241')).status, 422);
    const limited = await postCard(t.gateway.app, token, CARDS.visa);
    assert.equal(limited.status, 429);
    assert.match(limited.text, /Too many attempts/);
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'pending');
  });
});
