import assert from 'node:assert/strict';
import request from 'supertest';
import { DEFAULT_PLUGINS, Gateway, WebAccountService } from '@tender/core';
import { TestGateway, startTestGateway, ADMIN_TOKEN } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { pageTokenOf, postCard } from '../support/hosted-page';

/** Paths only @tender/dashboard serves. */
const WEB_PATHS = [
  '/dashboard',
  '/dashboard/signin',
  '/dashboard/payments',
  '/console',
  '/console/signin',
  '/console/merchants',
  '/web-assets/shell.css',
  '/web-assets/vendor/uplot.iife.min.js',
];

describe('the gateway without @tender/dashboard (API only)', function () {
  let t: TestGateway;
  let shop: MerchantClient;
  before(async () => {
    t = await startTestGateway({ dashboard: false });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
  });
  after(() => t.close());

  it('takes a payment through the API and the hosted page, and refunds it', async () => {
    const p = await shop.createPayment();
    const token = pageTokenOf(String(p.payment_url));
    await request(t.gateway.app).get(`/pay/${token}`).expect(200);
    assert.equal((await postCard(t.gateway.app, token, CARDS.visa)).status, 303);
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'captured');
    await shop.post('/v1/refunds', { payment_id: p.id, amount: 100 }).expect(201);
  });

  it('serves payment links, the sign-up page, health and the operator API', async () => {
    const link = (await shop.post('/v1/payment_links', { amount: 50000, currency: 'RUB', description: 'Gift card' }).expect(201)).body as { url: string };
    await request(t.gateway.app).get(new URL(link.url).pathname).expect(200);
    await request(t.gateway.app).get('/signup').expect(200);
    await request(t.gateway.app).get('/healthz').expect(200);
    await request(t.gateway.app).get('/admin/v1/merchants').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
  });

  it('answers 404 on the dashboard, the console and their assets', async () => {
    for (const p of WEB_PATHS) {
      const res = await request(t.gateway.app).get(p);
      assert.equal(res.status, 404, p);
      assert.equal(res.body.error?.code, 'route_not_found', p);
    }
    // Signing in is the dashboard's: a form post is not found either, and no session is made.
    const res = await request(t.gateway.app).post('/dashboard/signin').type('form').send({ email: 'a@b.test', password: 'x' });
    assert.equal(res.status, 404);
    assert.equal((await t.gateway.db('web_sessions').count<Array<{ n: number }>>({ n: '*' }))[0]?.n, 0);
  });

  it('keeps web accounts in core: the operator API still lists and makes them', async () => {
    await request(t.gateway.app).get('/admin/v1/operators').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    assert.ok(t.gateway.container.resolve(WebAccountService));
  });

  it('loads the dashboard by package name with the default plugin list, and not without it', async () => {
    assert.ok(DEFAULT_PLUGINS.includes('@tender/dashboard'));
    const withIt = await Gateway.create({ ...t.gateway.config, plugins: DEFAULT_PLUGINS });
    const without = await Gateway.create({ ...t.gateway.config, plugins: ['@tender/adapter-sandbox'] });
    try {
      await request(withIt.app).get('/dashboard/signin').expect(200);
      await request(withIt.app).get('/console/signin').expect(200);
      await request(withIt.app).get('/web-assets/shell.css').expect(200);
      await request(without.app).get('/dashboard/signin').expect(404);
      await request(without.app).get('/console/signin').expect(404);
    } finally {
      await withIt.close();
      await without.close();
    }
  });
});
