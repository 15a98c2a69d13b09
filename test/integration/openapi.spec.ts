import assert from 'node:assert/strict';
import request from 'supertest';
import Ajv2020 from 'ajv/dist/2020';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { routeInventory } from '../support/fuzz/route-inventory';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: Record<string, Record<string, unknown>>;
  webhooks: Record<string, unknown>;
};

/** `/v1/payments/:id` → `/v1/payments/{id}`, as OpenAPI writes path parameters. */
const openApiPath = (p: string) => p.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('OpenAPI: /openapi.json describes every /v1 route, and real answers match it', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let doc: Doc;
  let shop: MerchantClient;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

  before(async () => {
    // Test-mode webhook endpoints may point at loopback, as in development (docs/configuration.md).
    t = await startTestGateway({ env: { TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' } });
    const res = await request(t.gateway.app)
      .get('/openapi.json')
      .expect(200)
      .expect('Content-Type', /application\/json/);
    doc = res.body as Doc;
    ajv.addSchema({ ...doc, $id: 'tender-openapi' });
    const m = await t.createMerchant();
    shop = new MerchantClient(t.gateway.app, m.key);
  });
  after(async () => t.close());

  /** Checks a body against the document's schema of that operation's answer. */
  function assertDescribed(method: string, path: string, status: number, body: unknown): void {
    const pointer = `/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${status}/content/application~1json/schema`;
    const validate = ajv.getSchema(`tender-openapi#${pointer}`);
    assert.ok(validate !== undefined, `no schema for ${method} ${path} ${status}`);
    assert.ok(validate(body), `${method} ${path} ${status} does not match the document: ${JSON.stringify(validate.errors)}`);
  }

  it('is OpenAPI 3.1 with every $ref resolving', () => {
    assert.equal(doc.openapi, '3.1.0');
    const text = JSON.stringify(doc);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      const target = ref.split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      assert.ok(target !== undefined, `dangling $ref #/${ref}`);
    }
    assert.ok(Object.keys(doc.webhooks).includes('payment.captured'));
  });

  it('has every route registered under /v1 with its method, and nothing that is not registered', () => {
    const registered = routeInventory(t.gateway.app).filter((r) => r.kind === 'route' && r.path.startsWith('/v1/'));
    assert.ok(registered.length > 30, `found only ${registered.length} /v1 routes: the router walk is broken`);
    const undocumented = registered.filter((r) => doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()] === undefined).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(undocumented, [], 'routes missing from /openapi.json');
    const known = new Set(registered.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`));
    const phantom = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
      .filter((op) => !known.has(op));
    assert.deepEqual(phantom, [], 'documented operations no route answers');
  });

  it('payments, refunds, events, webhook endpoints, keys and branding answer exactly as described (no field missing or undocumented)', async () => {
    const created = await shop
      .post('/v1/payments', { amount: 150000, currency: 'rub', order_id: 'oa-1', customer_email: 'buyer@example.com', locale: 'en', metadata: { cart: '7' } })
      .expect(201);
    assertDescribed('post', '/v1/payments', 201, created.body);
    const confirmed = await shop.post(`/v1/payments/${created.body.id}/confirm`, card(CARDS.visa)).expect(200);
    assertDescribed('post', '/v1/payments/{id}/confirm', 200, confirmed.body);
    assert.ok(confirmed.body.risk !== null, 'risk is filled in after confirm: the schema saw it');
    const secure = await shop.pay(CARDS.threeDSecure);
    assertDescribed('get', '/v1/payments/{id}', 200, (await shop.get(`/v1/payments/${secure.id}`).expect(200)).body);
    assertDescribed('get', '/v1/payments', 200, (await shop.get('/v1/payments?limit=5').expect(200)).body);
    const refund = await shop.post('/v1/refunds', { payment_id: created.body.id, amount: 1000, reason: 'one item back' }).expect(201);
    assertDescribed('post', '/v1/refunds', 201, refund.body);
    assertDescribed('get', '/v1/refunds', 200, (await shop.get(`/v1/refunds?payment_id=${created.body.id}`).expect(200)).body);
    const events = await shop.get('/v1/events?limit=3').expect(200);
    assertDescribed('get', '/v1/events', 200, events.body);
    const endpoint = await shop.post('/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/hooks', events: ['payment.*'] }).expect(201);
    assertDescribed('post', '/v1/webhook_endpoints', 201, endpoint.body);
    assertDescribed(
      'get',
      '/v1/webhook_endpoints/{id}/deliveries',
      200,
      (await shop.get(`/v1/webhook_endpoints/${endpoint.body.id}/deliveries`).expect(200)).body,
    );
    const rotated = await shop.post(`/v1/webhook_endpoints/${endpoint.body.id}/rotate_secret`, {}).expect(200);
    assertDescribed('post', '/v1/webhook_endpoints/{id}/rotate_secret', 200, rotated.body);
    const deleted = await request(t.gateway.app).delete(`/v1/webhook_endpoints/${endpoint.body.id}`).set('Authorization', `Bearer ${shop.key}`).expect(200);
    assertDescribed('delete', '/v1/webhook_endpoints/{id}', 200, deleted.body);
    const key = await shop.post('/v1/api_keys', { label: 'reporting' }).expect(201);
    assertDescribed('post', '/v1/api_keys', 201, key.body);
    assertDescribed('get', '/v1/api_keys', 200, (await shop.get('/v1/api_keys').expect(200)).body);
    assertDescribed('post', '/v1/api_keys/{id}/roll', 201, (await shop.post(`/v1/api_keys/${key.body.id}/roll`, {}).expect(201)).body);
    assertDescribed('get', '/v1/branding', 200, (await shop.get('/v1/branding').expect(200)).body);
    const branded = await request(t.gateway.app)
      .put('/v1/branding')
      .set('Authorization', `Bearer ${shop.key}`)
      .send({ primary_color: '#1f5eff', button_style: 'pill' })
      .expect(200);
    assertDescribed('put', '/v1/branding', 200, branded.body);
    const redelivered = await shop.post(`/v1/events/${events.body.data[0].id}/redeliver`, {}).expect(202);
    assertDescribed('post', '/v1/events/{id}/redeliver', 202, redelivered.body);
  });

  it('describes errors with the catalogue: a refused request matches the Error schema', async () => {
    const res = await shop.post('/v1/payments', { amount: 1.5, currency: 'RUB', order_id: 'x' }).expect(400);
    const validate = ajv.getSchema('tender-openapi#/components/schemas/ApiError')!;
    assert.ok(validate(res.body), JSON.stringify(validate.errors));
    assert.equal(res.body.error.code, 'amount_invalid');
  });

  it('renders /docs/api from the document: every operation, escaped, no script (the CSP holds)', async () => {
    const res = await request(t.gateway.app)
      .get('/docs/api')
      .expect(200)
      .expect('Content-Type', /text\/html/);
    const html = res.text;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops))
        assert.ok(
          html.includes(`<span class="method">${method.toUpperCase()}</span> <span class="path">${path}</span>`),
          `${method} ${path} missing from the page`,
        );
    }
    assert.doesNotMatch(html, /<script/i);
    // The confirm description quotes JSON: it arrives escaped, not as markup.
    assert.ok(html.includes('{&quot;type&quot;: &quot;card&quot;'));
    assert.match(String(res.headers['content-security-policy']), /script-src-attr 'none'/);
    assert.ok(html.includes('customer_email'), 'the Payment object lists customer_email');
  });
});
