import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import Ajv from 'ajv';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { SaleorInstallationService, createSaleorPlugin, toMinorUnits } from '@tender/plugin-saleor';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';
import { FakeSaleor, SALEOR_RESPONSE_SCHEMAS } from '../support/saleor-fixtures';
import { eventually } from '../support/webhook-receiver';

const PATHS: Record<string, string> = {
  TRANSACTION_INITIALIZE_SESSION: 'transaction-initialize-session',
  TRANSACTION_PROCESS_SESSION: 'transaction-process-session',
  TRANSACTION_CHARGE_REQUESTED: 'transaction-charge-requested',
  TRANSACTION_REFUND_REQUESTED: 'transaction-refund-requested',
  TRANSACTION_CANCELATION_REQUESTED: 'transaction-cancelation-requested',
  LIST_STORED_PAYMENT_METHODS: 'list-stored-payment-methods',
  STORED_PAYMENT_METHOD_DELETE_REQUESTED: 'stored-payment-method-delete-requested',
};

/**
 * The Saleor app served by a real gateway. FakeSaleor stands in for the Saleor store
 * (its JWKS and its GraphQL API, on loopback): Saleor itself cannot run here. Webhook
 * payloads are signed fixtures (a test RSA key). Buyers pay through the direct confirm
 * API with the sandbox card, since the hosted page is not part of this branch.
 */
describe('Saleor app (@tender/plugin-saleor)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let saleor: FakeSaleor;
  let shop: MerchantClient;
  const ajv = new Ajv({ allErrors: true, strict: false });
  let seq = 0;
  /** The app token the store handed over at install (the reporter must use it). */
  let installedToken = '';

  before(async () => {
    saleor = await new FakeSaleor().start();
    // The fake Saleor listens on loopback, which test mode allows only with this flag (as for webhooks).
    t = await startTestGateway({ plugins: [sandboxPlugin, createSaleorPlugin({ intervalMs: 30 })], env: { TENDER_OUTBOUND_ALLOW_PRIVATE: 'true' } });
    t.gateway.startBackgroundJobs();
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Saleor Shop')).key);
  });
  after(async () => {
    await t.close();
    await saleor.close();
  });

  function send(event: string, payload: unknown, signature?: string): request.Test {
    const body = JSON.stringify(payload);
    return request(t.gateway.app)
      .post(`/saleor/webhooks/${PATHS[event]}`)
      .set('Content-Type', 'application/json')
      .set('saleor-api-url', saleor.apiUrl)
      .set('saleor-event', event.toLowerCase())
      .set('saleor-signature', signature ?? saleor.signature(body))
      .send(body);
  }

  /** Sends a signed webhook and checks the answer against Saleor's response schema. */
  async function hook(event: string, payload: unknown): Promise<Record<string, unknown>> {
    const res = await send(event, payload).expect(200);
    const validate = ajv.compile(SALEOR_RESPONSE_SCHEMAS[event]);
    assert.ok(validate(res.body), `${event} answer ${JSON.stringify(res.body)} breaks Saleor's schema: ${ajv.errorsText(validate.errors)}`);
    return res.body as Record<string, unknown>;
  }

  function session(actionType: 'CHARGE' | 'AUTHORIZATION', amount: number | string, pspReference: string | null = null): Record<string, unknown> {
    seq++;
    return {
      action: { amount, currency: 'RUB', actionType },
      transaction: { id: `VHJhbnNhY3Rpb25JdGVtOj${seq}`, pspReference },
      sourceObject: { __typename: 'Checkout', id: `Q2hlY2tvdXQ6${seq}` },
      idempotencyKey: `idem-${seq}`,
      data: null,
    };
  }

  it('serves the manifest and registers the store the merchant declared, from its install link, once', async () => {
    const manifest = (await request(t.gateway.app).get('/saleor/manifest').expect(200)).body;
    assert.equal(manifest.tokenTargetUrl, 'http://pay.tender.test/saleor/register');
    assert.deepEqual(manifest.permissions, ['HANDLE_PAYMENTS']);
    assert.deepEqual(manifest.webhooks.map((w: { syncEvents: string[] }) => w.syncEvents[0]).sort(), Object.keys(PATHS).sort());

    await request(t.gateway.app).post('/saleor/register').set('saleor-api-url', saleor.apiUrl).send({ auth_token: 'tok' }).expect(401);
    const declared = await shop.post('/v1/saleor/installations', { saleor_api_url: saleor.apiUrl }).expect(201);
    assert.equal(declared.body.registered_at, null);
    const link = new URL(String(declared.body.manifest_url));
    assert.equal(`${link.origin}${link.pathname}`, 'http://pay.tender.test/saleor/manifest');
    const own = (await request(t.gateway.app).get(`${link.pathname}${link.search}`).expect(200)).body;
    const target = new URL(String(own.tokenTargetUrl));
    assert.equal(target.searchParams.get('install'), link.searchParams.get('install'));
    await request(t.gateway.app).get('/saleor/manifest?install=damaged').expect(400);
    const token = saleor.issueAppToken();
    installedToken = token;
    await request(t.gateway.app)
      .post(`${target.pathname}${target.search}`)
      .set('saleor-api-url', saleor.apiUrl)
      .send({ auth_token: token })
      .expect(200, { success: true });
    assert.deepEqual(saleor.appIdChecks, [`Bearer ${token}`], "the token was checked with the store's API");
    // A second register (someone swapping the token) is refused; the first token stays.
    await request(t.gateway.app)
      .post(`${target.pathname}${target.search}`)
      .set('saleor-api-url', saleor.apiUrl)
      .send({ auth_token: saleor.issueAppToken() })
      .expect(401);
    const listed = await shop.get('/v1/saleor/installations').expect(200);
    assert.equal(listed.body.data.length, 1);
    assert.ok(listed.body.data[0].registered_at !== null);
    assert.equal(listed.body.data[0].manifest_url, undefined, 'the install link is shown once');
    assert.equal(JSON.stringify(listed.body).includes(token), false);
    const sealed = await t.gateway.db('saleor_installations').first();
    assert.equal(JSON.stringify(sealed).includes(token), false, 'the app token is stored sealed');
  });

  it('charge flow: initialize -> buyer pays -> transactionEventReport -> process -> refund', async () => {
    const init = await hook('TRANSACTION_INITIALIZE_SESSION', session('CHARGE', 25.5));
    assert.equal(init.result, 'CHARGE_ACTION_REQUIRED');
    const data = init.data as { payment_url: string; payment_id: string };
    assert.match(data.payment_url, /^http:\/\/pay\.tender\.test\/pay\//);
    const paymentId = String(init.pspReference);
    const payment = (await shop.get(`/v1/payments/${paymentId}`).expect(200)).body;
    assert.equal(payment.amount, 2550);
    assert.equal(payment.capture_method, 'automatic');

    await shop.post(`/v1/payments/${paymentId}/confirm`, card(CARDS.visa)).expect(200);
    await eventually(async () => saleor.calls.some((c) => c.variables.pspReference === paymentId), 'the transactionEventReport');
    const report = saleor.calls.find((c) => c.variables.pspReference === paymentId)!;
    assert.equal(report.authorization, `Bearer ${installedToken}`);
    assert.match(report.query, /transactionEventReport\(/);
    assert.equal(report.variables.type, 'CHARGE_SUCCESS');
    assert.equal(report.variables.amount, 25.5);
    assert.equal(report.variables.id, `VHJhbnNhY3Rpb25JdGVtOj${seq}`);

    const processed = await hook('TRANSACTION_PROCESS_SESSION', session('CHARGE', 25.5, paymentId));
    assert.equal(processed.result, 'CHARGE_SUCCESS');
    const refunded = await hook('TRANSACTION_REFUND_REQUESTED', {
      action: { amount: 10, currency: 'RUB', actionType: 'REFUND' },
      transaction: { id: 'x', pspReference: paymentId },
    });
    assert.deepEqual([refunded.result, refunded.amount], ['REFUND_SUCCESS', 10]);
    assert.equal((await shop.get(`/v1/payments/${paymentId}`).expect(200)).body.amount_refunded, 1000);
    // Saleor learnt the refund from the answer: no second report for it.
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(saleor.calls.filter((c) => c.variables.pspReference === paymentId).length, 1);
  });

  it('authorization flow: AUTHORIZATION_ACTION_REQUIRED -> paid -> charge requested; cancel of another', async () => {
    const init = await hook('TRANSACTION_INITIALIZE_SESSION', session('AUTHORIZATION', '120.00'));
    assert.equal(init.result, 'AUTHORIZATION_ACTION_REQUIRED');
    const paymentId = String(init.pspReference);
    await shop.post(`/v1/payments/${paymentId}/confirm`, card(CARDS.visa)).expect(200);
    const processed = await hook('TRANSACTION_PROCESS_SESSION', session('AUTHORIZATION', '120.00', paymentId));
    assert.equal(processed.result, 'AUTHORIZATION_SUCCESS');
    const charged = await hook('TRANSACTION_CHARGE_REQUESTED', {
      action: { amount: 100, currency: 'RUB', actionType: 'CHARGE' },
      transaction: { id: 'x', pspReference: paymentId },
    });
    assert.deepEqual([charged.result, charged.amount], ['CHARGE_SUCCESS', 100]);
    assert.equal((await shop.get(`/v1/payments/${paymentId}`).expect(200)).body.amount_captured, 10000);

    const other = await hook('TRANSACTION_INITIALIZE_SESSION', session('AUTHORIZATION', 5));
    const otherId = String(other.pspReference);
    await shop.post(`/v1/payments/${otherId}/confirm`, card(CARDS.visa)).expect(200);
    const canceled = await hook('TRANSACTION_CANCELATION_REQUESTED', {
      action: { amount: null, actionType: 'CANCEL' },
      transaction: { id: 'y', pspReference: otherId },
    });
    assert.equal(canceled.result, 'CANCEL_SUCCESS');
    assert.equal((await shop.get(`/v1/payments/${otherId}`).expect(200)).body.status, 'canceled');
    // Charging what is canceled is a CHARGE_FAILURE answer, not an HTTP error.
    const refused = await hook('TRANSACTION_CHARGE_REQUESTED', { action: { amount: 5, currency: 'RUB' }, transaction: { id: 'y', pspReference: otherId } });
    assert.equal(refused.result, 'CHARGE_FAILURE');
  });

  it("reports captures, refunds and cancels made in Tender's API (outside Saleor) with transactionEventReport", async () => {
    const init = await hook('TRANSACTION_INITIALIZE_SESSION', session('AUTHORIZATION', '120.00'));
    const transactionId = `VHJhbnNhY3Rpb25JdGVtOj${seq}`;
    const paymentId = String(init.pspReference);
    const reports = () =>
      saleor.calls
        .filter((c) => c.variables.id === transactionId)
        .map((c) => [c.variables.type, c.variables.amount, String(c.variables.pspReference).slice(0, 4)]);
    const until = (n: number, what: string) => eventually(async () => reports().length >= n, what);

    await shop.post(`/v1/payments/${paymentId}/confirm`, card(CARDS.visa)).expect(200);
    await until(1, 'AUTHORIZATION_SUCCESS');
    await shop.post(`/v1/payments/${paymentId}/capture`, { amount: 8000 }).expect(200);
    await until(2, 'CHARGE_SUCCESS for the capture made in Tender');
    await shop.post('/v1/refunds', { payment_id: paymentId, amount: 1000 }).expect(201);
    await until(3, 'the first outside refund');
    // A second partial refund leaves the status at partially_refunded: still reported.
    await shop.post('/v1/refunds', { payment_id: paymentId, amount: 500 }).expect(201);
    await until(4, 'the second outside refund');
    // A refund Saleor asked for is answered, not reported; the outside one after it is.
    const asked = await hook('TRANSACTION_REFUND_REQUESTED', {
      action: { amount: 3, currency: 'RUB', actionType: 'REFUND' },
      transaction: { id: transactionId, pspReference: paymentId },
    });
    assert.equal(asked.result, 'REFUND_SUCCESS');
    await shop.post('/v1/refunds', { payment_id: paymentId, amount: 200 }).expect(201);
    await until(5, 'the third outside refund');
    assert.deepEqual(reports(), [
      ['AUTHORIZATION_SUCCESS', 120, 'pay_'],
      ['CHARGE_SUCCESS', 80, 'pay_'],
      ['REFUND_SUCCESS', 10, 'ref_'],
      ['REFUND_SUCCESS', 5, 'ref_'],
      ['REFUND_SUCCESS', 2, 'ref_'],
    ]);
    assert.equal((await shop.get(`/v1/payments/${paymentId}`).expect(200)).body.amount_refunded, 2000);

    const other = await hook('TRANSACTION_INITIALIZE_SESSION', session('AUTHORIZATION', 5));
    const otherTransaction = `VHJhbnNhY3Rpb25JdGVtOj${seq}`;
    const otherId = String(other.pspReference);
    await shop.post(`/v1/payments/${otherId}/confirm`, card(CARDS.visa)).expect(200);
    await eventually(async () => saleor.calls.some((c) => c.variables.id === otherTransaction), 'AUTHORIZATION_SUCCESS');
    await shop.post(`/v1/payments/${otherId}/cancel`).expect(200);
    await eventually(async () => saleor.calls.filter((c) => c.variables.id === otherTransaction).length >= 2, 'CANCEL_SUCCESS for the void made in Tender');
    assert.deepEqual(
      saleor.calls.filter((c) => c.variables.id === otherTransaction).map((c) => [c.variables.type, c.variables.amount]),
      [
        ['AUTHORIZATION_SUCCESS', 5],
        ['CANCEL_SUCCESS', 5],
      ],
    );
  });

  it('a declined card is reported as CHARGE_FAILURE', async () => {
    const init = await hook('TRANSACTION_INITIALIZE_SESSION', session('CHARGE', 7));
    const paymentId = String(init.pspReference);
    await shop.post(`/v1/payments/${paymentId}/confirm`, card(CARDS.doNotHonor));
    await eventually(async () => saleor.calls.some((c) => c.variables.pspReference === paymentId), 'the failure report');
    assert.equal(saleor.calls.find((c) => c.variables.pspReference === paymentId)!.variables.type, 'CHARGE_FAILURE');
  });

  it('without @tender/plugin-saved-cards: stored payment methods are an empty list, deletions and saved-card payments fail, nothing written', async () => {
    const user = { id: 'VXNlcjo5OQ==' };
    assert.deepEqual(await hook('LIST_STORED_PAYMENT_METHODS', { user, channel: { slug: 'default-channel' } }), { paymentMethods: [] });
    const deleted = await hook('STORED_PAYMENT_METHOD_DELETE_REQUESTED', { user, paymentMethodId: 'pm_abc', channel: { slug: 'default-channel' } });
    assert.equal(deleted.result, 'FAILED_TO_DELETE');
    const before = (await t.gateway.db('payments').count({ n: '*' }).first())?.n;
    const payload = { ...session('CHARGE', 10), sourceObject: { __typename: 'Checkout', id: 'Q2hlY2tvdXQ6OTk=', user }, data: { payment_method: 'pm_abc' } };
    const refused = await hook('TRANSACTION_INITIALIZE_SESSION', payload);
    assert.equal(refused.result, 'CHARGE_FAILURE');
    assert.match(String(refused.message), /Saved cards are not enabled/);
    assert.equal((await t.gateway.db('payments').count({ n: '*' }).first())?.n, before);
  });

  it('refuses an amount finer than the minor unit instead of rounding it', async () => {
    const before = Number((await t.gateway.db('payments').count({ n: '*' }).first())?.n);
    const init = await hook('TRANSACTION_INITIALIZE_SESSION', session('CHARGE', 10.005));
    assert.equal(init.result, 'CHARGE_FAILURE');
    assert.equal(Number((await t.gateway.db('payments').count({ n: '*' }).first())?.n), before);
    assert.equal(toMinorUnits('0.1', 'RUB'), 10);
    assert.equal(toMinorUnits(19.99, 'RUB'), 1999);
    assert.equal(toMinorUnits('100', 'JPY'), 100);
    assert.throws(() => toMinorUnits('1.5', 'JPY'));
  });

  it('refuses a bad signature, a tampered body and another key, and writes nothing', async () => {
    const before = Number((await t.gateway.db('payments').count({ n: '*' }).first())?.n);
    const payload = session('CHARGE', 50);
    const body = JSON.stringify(payload);
    const tampered = JSON.stringify({ ...payload, action: { amount: 0.01, currency: 'RUB', actionType: 'CHARGE' } });
    const res = await send('TRANSACTION_INITIALIZE_SESSION', JSON.parse(tampered), saleor.signature(body)).expect(401);
    assert.equal(res.body.error.code, 'signature_invalid');
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await send('TRANSACTION_INITIALIZE_SESSION', payload, saleor.signature(body, stranger)).expect(401);
    await send('TRANSACTION_INITIALIZE_SESSION', payload, 'not-a-jws').expect(401);
    const unsignedAlg = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}..`;
    await send('TRANSACTION_INITIALIZE_SESSION', payload, unsignedAlg).expect(401);
    assert.equal(Number((await t.gateway.db('payments').count({ n: '*' }).first())?.n), before);
  });

  it('a store nobody declared is refused; another merchant cannot see the installation', async () => {
    const res = await request(t.gateway.app)
      .post('/saleor/webhooks/transaction-initialize-session')
      .set('saleor-api-url', 'http://127.0.0.1:9/graphql/')
      .set('saleor-signature', saleor.signature('{}'))
      .send('{}')
      .expect(401);
    assert.equal(res.body.error.code, 'signature_invalid');
    const other = new MerchantClient(t.gateway.app, (await t.createMerchant('Other')).key);
    assert.deepEqual((await other.get('/v1/saleor/installations').expect(200)).body.data, []);
    const id = (await shop.get('/v1/saleor/installations').expect(200)).body.data[0].id as string;
    await request(t.gateway.app).delete(`/v1/saleor/installations/${id}`).set('Authorization', `Bearer ${other.key}`).expect(404);
    // Another merchant may declare the same URL (nothing tells it the store is taken), but that binds nothing.
    const squat = await other.post('/v1/saleor/installations', { saleor_api_url: saleor.apiUrl }).expect(201);
    assert.equal(squat.body.registered_at, null);
    assert.equal((await t.gateway.container.resolve(SaleorInstallationService).byApiUrl(saleor.apiUrl))?.id, id);
  });

  it('refuses a store API URL on a private or loopback address when private addresses are not allowed', async () => {
    const strict = await startTestGateway({ plugins: [sandboxPlugin, createSaleorPlugin({ intervalMs: 30 })] });
    try {
      const merchant = new MerchantClient(strict.gateway.app, (await strict.createMerchant('Strict')).key);
      for (const url of ['http://127.0.0.1:9/graphql/', 'http://10.0.0.5/graphql/', 'http://169.254.169.254/graphql/', 'http://[::1]/graphql/']) {
        const res = await merchant.post('/v1/saleor/installations', { saleor_api_url: url }).expect(400);
        assert.equal(res.body.error.param, 'saleor_api_url');
        assert.equal(res.body.error.code, 'webhook_url_private_address', url);
      }
      assert.equal((await strict.gateway.db('saleor_installations')).length, 0);
    } finally {
      await strict.close();
    }
  });
});
