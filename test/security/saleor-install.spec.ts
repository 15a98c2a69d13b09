import assert from 'node:assert/strict';
import request from 'supertest';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { createSaleorPlugin } from '@tender/plugin-saleor';
import { SaleorInstallationService } from '@tender/plugin-saleor/dist/saleor-installation.service';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';
import { FakeSaleor } from '../support/saleor-fixtures';

/**
 * Issue 16, item 3: `POST /saleor/register` needed no authentication, so anyone could
 * bind a token to a store URL a merchant had declared (first caller wins), its errors
 * told which URLs were declared, and merchant A could declare B's store first.
 *
 * FakeSaleor stands in for the Saleor stores (Saleor itself cannot run here): a loopback
 * server that issues app tokens and answers `{ app { id } }` only for those, as Saleor
 * does. Runs on SQLite and MariaDB.
 */
describe('security: Saleor app installation cannot be hijacked', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let storeA: FakeSaleor;
  let storeB: FakeSaleor;
  let storeC: FakeSaleor;
  let merchantA: MerchantClient;
  let merchantB: MerchantClient;

  before(async () => {
    storeA = await new FakeSaleor().start();
    storeB = await new FakeSaleor().start();
    storeC = await new FakeSaleor().start();
    // The fake stores listen on loopback, which test mode allows only with this flag (as for webhooks).
    t = await startTestGateway({ plugins: [sandboxPlugin, createSaleorPlugin({ intervalMs: 60_000 })], env: { TENDER_WEBHOOKS_ALLOW_PRIVATE: 'true' } });
    merchantA = new MerchantClient(t.gateway.app, (await t.createMerchant('Merchant A')).key);
    merchantB = new MerchantClient(t.gateway.app, (await t.createMerchant('Merchant B')).key);
  });
  after(async () => {
    await t.close();
    await storeA.close();
    await storeB.close();
    await storeC.close();
  });

  const register = (apiUrl: string, authToken: string, target = '/saleor/register'): request.Test =>
    request(t.gateway.app).post(target).set('saleor-api-url', apiUrl).set('Content-Type', 'application/json').send({ auth_token: authToken });

  /** What Saleor does when the shop owner installs from the manifest URL: fetch it, then POST the token to its tokenTargetUrl. */
  async function installFrom(manifestUrl: string, store: FakeSaleor, token = store.issueAppToken()): Promise<request.Response> {
    const manifest = new URL(manifestUrl);
    const body = (await request(t.gateway.app).get(`${manifest.pathname}${manifest.search}`).expect(200)).body as { tokenTargetUrl: string };
    const target = new URL(body.tokenTargetUrl);
    return register(store.apiUrl, token, `${target.pathname}${target.search}`);
  }

  async function installation(apiUrl: string): Promise<Array<Record<string, unknown>>> {
    return t.gateway.db('saleor_installations').where({ saleor_api_url: apiUrl });
  }

  it("refuses an unauthenticated register for a declared store; the merchant's own install then works", async () => {
    const declared = await merchantA.post('/v1/saleor/installations', { saleor_api_url: storeA.apiUrl }).expect(201);
    // The attacker knows the store URL and calls register first, with a token of its own.
    const hijack = await register(storeA.apiUrl, 'attacker-token');
    assert.notEqual(hijack.status, 200, 'an unauthenticated register must be refused');
    const forged = await register(storeA.apiUrl, storeA.issueAppToken());
    assert.notEqual(forged.status, 200, 'even a token the store issued is refused without the install link');
    assert.ok(
      (await installation(storeA.apiUrl)).every((row) => row.registered_at === null),
      'nothing was bound',
    );

    assert.match(String(declared.body.manifest_url), /^http:\/\/pay\.tender\.test\/saleor\/manifest\?install=/);
    const token = storeA.issueAppToken();
    await installFrom(String(declared.body.manifest_url), storeA, token).then((r) => assert.equal(r.status, 200, JSON.stringify(r.body)));
    const id = String(declared.body.id);
    assert.equal(await t.gateway.container.resolve(SaleorInstallationService).appToken(id), token);
    assert.ok(storeA.appIdChecks.includes(`Bearer ${token}`), "the token was checked against the store's API");
  });

  it('answers a registered, a declared and an undeclared store URL alike (no oracle of declared stores)', async () => {
    const pending = 'http://127.0.0.1:10/graphql/';
    await merchantA.post('/v1/saleor/installations', { saleor_api_url: pending }).expect(201);
    const madeUp = '/saleor/register?install=sis_made_up_made_up_made_up_made_up';
    const answers = [];
    for (const url of [storeA.apiUrl, pending, 'http://127.0.0.1:9/graphql/']) {
      answers.push(await register(url, 'x'), await register(url, 'x', madeUp));
    }
    // Alike but for the request id every error body carries (each request has its own).
    const withoutId = (body: { error?: Record<string, unknown> }): unknown => ({ ...body, error: { ...body.error, request_id: undefined } });
    for (const res of answers) {
      assert.notEqual(res.status, 200);
      assert.equal(res.status, answers[0].status);
      assert.deepEqual(withoutId(res.body), withoutId(answers[0].body));
    }
  });

  it("merchant A cannot take merchant B's store by declaring its URL first", async () => {
    const squat = await merchantA.post('/v1/saleor/installations', { saleor_api_url: storeB.apiUrl }).expect(201);
    // A holds an install link for B's store, but no token B's store issued: refused, after asking the store.
    const checksBefore = storeB.appIdChecks.length;
    const attempt = await installFrom(String(squat.body.manifest_url), storeB, 'token-the-store-never-issued');
    assert.notEqual(attempt.status, 200);
    assert.equal(storeB.appIdChecks.length, checksBefore + 1);
    // B declares its own store: nothing tells B (or anyone) that A declared it.
    const own = await merchantB.post('/v1/saleor/installations', { saleor_api_url: storeB.apiUrl });
    assert.equal(own.status, 201, JSON.stringify(own.body));
    await installFrom(String(own.body.manifest_url), storeB).then((r) => assert.equal(r.status, 200, JSON.stringify(r.body)));
    const listedB = (await merchantB.get('/v1/saleor/installations').expect(200)).body.data as Array<{ saleor_api_url: string; registered_at: string | null }>;
    assert.ok(listedB.some((i) => i.saleor_api_url === storeB.apiUrl && i.registered_at !== null));
    const listedA = (await merchantA.get('/v1/saleor/installations').expect(200)).body.data as Array<{ saleor_api_url: string; registered_at: string | null }>;
    assert.ok(
      listedA.every((i) => i.saleor_api_url !== storeB.apiUrl || i.registered_at === null),
      "A's declaration of B's store stays unbound",
    );
    // Even a genuine token of B's store, sent with A's install link, is refused now that B's store is bound.
    const late = await installFrom(String(squat.body.manifest_url), storeB);
    assert.notEqual(late.status, 200);
    // Webhooks from store B reach B's installation.
    const bound = await t.gateway.container.resolve(SaleorInstallationService).byApiUrl(storeB.apiUrl);
    assert.equal(bound?.id, own.body.id);
  });

  it('a replayed install is refused and the first token stays; an install link works for its own store only', async () => {
    const declared = await merchantB.post('/v1/saleor/installations', { saleor_api_url: storeC.apiUrl }).expect(201);
    const manifest = new URL(String(declared.body.manifest_url));
    const target = new URL(
      ((await request(t.gateway.app).get(`${manifest.pathname}${manifest.search}`).expect(200)).body as { tokenTargetUrl: string }).tokenTargetUrl,
    );
    const path = `${target.pathname}${target.search}`;
    // The link of this declaration, used with another store's genuine token: refused.
    assert.notEqual((await register(storeB.apiUrl, storeB.issueAppToken(), path)).status, 200);
    const token = storeC.issueAppToken();
    assert.equal((await register(storeC.apiUrl, token, path)).status, 200);
    assert.notEqual((await register(storeC.apiUrl, token, path)).status, 200, 'the same request again');
    assert.notEqual((await register(storeC.apiUrl, storeC.issueAppToken(), path)).status, 200, 'another genuine token');
    assert.equal(await t.gateway.container.resolve(SaleorInstallationService).appToken(String(declared.body.id)), token);
  });
});
