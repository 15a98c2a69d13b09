import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'graphql';
import { LanguageCode, mergeConfig } from '@vendure/core';
import { createTestEnvironment, registerInitializer, SimpleGraphQLClient, SqljsInitializer, TestServer, testConfig } from '@vendure/testing';
import { TenderClient } from '@tender/client';
import { TenderPlugin, fromTenderAmount, toTenderAmount } from '@tender/vendure-plugin';
import { type TestGateway, startTestGateway, CARDS, FAST_WEBHOOKS } from '../support/gateway-support';

const gql = parse;
// Vendure 3.6+ reports to its vendor at start-up unless told not to; tests reach only loopback.
process.env.VENDURE_DISABLE_TELEMETRY = 'true';

const ORDER_FIELDS = `code state totalWithTax currencyCode payments { id state amount transactionId metadata refunds { id state total transactionId } }`;
const ADD_ITEM = gql(`mutation { addItemToOrder(productVariantId: "T_1", quantity: 2) { ... on Order { code } ... on ErrorResult { message } } }`);
const SET_CUSTOMER = gql(`mutation ($email: String!) { setCustomerForOrder(input: { emailAddress: $email, firstName: "Ada", lastName: "Buyer" }) { ... on Order { code } ... on ErrorResult { message } } }`);
const SET_ADDRESS = gql(`mutation { setOrderShippingAddress(input: { streetLine1: "1 Test Street", city: "Berlin", postalCode: "10115", countryCode: "DE" }) { ... on Order { code } ... on ErrorResult { message } } }`);
const SHIPPING_METHODS = gql(`query { eligibleShippingMethods { id } }`);
const SET_SHIPPING = gql(`mutation ($id: [ID!]!) { setOrderShippingMethod(shippingMethodId: $id) { ... on Order { code } ... on ErrorResult { message } } }`);
const INTENT = gql(`mutation { createTenderPaymentIntent { paymentUrl tenderPaymentId } }`);
const ADD_PAYMENT = gql(`mutation ($metadata: JSON!) { addPaymentToOrder(input: { method: "tender", metadata: $metadata }) { ... on Order { code state } ... on ErrorResult { errorCode message } } }`);
const ORDER_BY_CODE = gql(`query ($code: String!) { orders(options: { filter: { code: { eq: $code } } }) { items { id ${ORDER_FIELDS} } } }`);
const SETTLE = gql(`mutation ($id: ID!) { settlePayment(id: $id) { ... on Payment { id state } ... on ErrorResult { message } } }`);
const CANCEL = gql(`mutation ($id: ID!) { cancelPayment(id: $id) { ... on Payment { id state } ... on ErrorResult { message } } }`);
const REFUND = gql(`mutation ($paymentId: ID!, $amount: Money!) { refundOrder(input: { paymentId: $paymentId, amount: $amount, shipping: 0, adjustment: 0, reason: "Returned one pot" }) { ... on Refund { id state total transactionId } ... on ErrorResult { message } } }`);

interface VendurePayment {
  id: string;
  state: string;
  amount: number;
  transactionId: string | null;
  metadata: { public?: { paymentUrl?: string }; tenderStatus?: string };
  refunds: Array<{ id: string; state: string; total: number; transactionId: string }>;
}
interface VendureOrder {
  id: string;
  code: string;
  state: string;
  totalWithTax: number;
  currencyCode: string;
  payments: VendurePayment[];
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The Vendure plugin inside a real Vendure 3.7 server (@vendure/testing on sql.js, its
 * shop and admin GraphQL APIs over a loopback port) against a real Tender gateway on
 * loopback. Tender's real signed webhooks reach the plugin's controller; nothing is
 * mocked. The buyer pays through Tender's direct confirm API with the sandbox card
 * (what the hosted page does on submit).
 */
describe('Vendure plugin (@tender/vendure-plugin)', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let tender: TenderClient;
  let server: TestServer;
  let shop: SimpleGraphQLClient;
  let admin: SimpleGraphQLClient;
  let vendureUrl: string;
  let endpointId: string;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-vendure-'));
  const card = { number: CARDS.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' };

  before(async () => {
    t = await startTestGateway({ env: FAST_WEBHOOKS });
    t.gateway.startBackgroundJobs();
    const baseUrl = `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
    const apiKey = (await t.createMerchant('Vendure Shop')).key;
    tender = new TenderClient({ secretKey: apiKey, baseUrl });
    const port = await freePort();
    vendureUrl = `http://127.0.0.1:${port}`;
    const endpoint = await tender.webhookEndpoints.create({ url: `${vendureUrl}/payments/tender`, events: ['payment.*'] });
    endpointId = endpoint.id;

    registerInitializer('sqljs', new SqljsInitializer(dataDir));
    const env = createTestEnvironment(mergeConfig(testConfig, { apiOptions: { port }, plugins: [TenderPlugin] }));
    server = env.server;
    shop = env.shopClient;
    admin = env.adminClient;
    await server.init({
      productsCsvPath: path.join(__dirname, '../../fixtures/vendure/products.csv'),
      customerCount: 0,
      initialData: {
        defaultLanguage: LanguageCode.en,
        defaultZone: 'Europe',
        countries: [{ name: 'Germany', code: 'DE', zone: 'Europe' }],
        taxRates: [{ name: 'Standard Tax', percentage: 0 }],
        shippingMethods: [{ name: 'Standard Shipping', price: 500 }],
        paymentMethods: [
          {
            name: 'Tender',
            handler: {
              code: 'tender',
              arguments: [
                { name: 'apiKey', value: apiKey },
                { name: 'baseUrl', value: baseUrl },
                { name: 'webhookSecret', value: endpoint.secret! },
                { name: 'returnUrl', value: 'https://shop.example/checkout/{orderCode}' },
                { name: 'autoCapture', value: 'false' },
              ],
            },
          },
        ],
        collections: [],
      },
    });
    await admin.asSuperAdmin();
  });

  after(async () => {
    await server?.destroy();
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A guest checkout up to the payment step, as a storefront does it. */
  async function checkout(email: string): Promise<string> {
    await shop.asAnonymousUser();
    const added = await shop.query<{ addItemToOrder: { code?: string; message?: string } }>(ADD_ITEM);
    assert.ok(added.addItemToOrder.code, added.addItemToOrder.message);
    await shop.query(SET_CUSTOMER, { email });
    await shop.query(SET_ADDRESS);
    const methods = await shop.query<{ eligibleShippingMethods: Array<{ id: string }> }>(SHIPPING_METHODS);
    await shop.query(SET_SHIPPING, { id: [methods.eligibleShippingMethods[0]!.id] });
    return added.addItemToOrder.code!;
  }

  async function order(code: string): Promise<VendureOrder> {
    const result = await admin.query<{ orders: { items: VendureOrder[] } }>(ORDER_BY_CODE, { code });
    return result.orders.items[0]!;
  }

  /** Waits (bounded) until Vendure's order satisfies `done`: the webhook arrives asynchronously. */
  async function orderWhen(code: string, done: (o: VendureOrder) => boolean, what: string): Promise<VendureOrder> {
    for (let i = 0; i < 200; i++) {
      const o = await order(code);
      if (done(o)) return o;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`order ${code} never reached: ${what}`);
  }

  async function postWebhook(body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    const res = await fetch(`${vendureUrl}/payments/tender`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
    return { status: res.status, text: await res.text() };
  }

  it('checkout -> hosted page URL -> pay -> signed webhook adds the payment -> settle captures -> refund', async () => {
    const code = await checkout('ada@example.com');
    const intent = (await shop.query<{ createTenderPaymentIntent: { paymentUrl: string; tenderPaymentId: string } }>(INTENT)).createTenderPaymentIntent;
    assert.match(intent.paymentUrl, /\/pay\//);
    const again = (await shop.query<{ createTenderPaymentIntent: { tenderPaymentId: string } }>(INTENT)).createTenderPaymentIntent;
    assert.equal(again.tenderPaymentId, intent.tenderPaymentId, 'asking twice reuses the unpaid payment');

    const before = await order(code);
    assert.equal(before.state, 'ArrangingPayment');
    const tenderPayment = await tender.payments.retrieve(intent.tenderPaymentId);
    assert.equal(tenderPayment.order_id, code);
    assert.equal(tenderPayment.amount, before.totalWithTax, 'USD: Vendure cents are Tender minor units');
    assert.equal(tenderPayment.currency, before.currencyCode);
    assert.equal(tenderPayment.capture_method, 'manual');
    assert.equal(tenderPayment.return_url, `https://shop.example/checkout/${code}`);

    await tender.payments.confirmWithCard(intent.tenderPaymentId, card);
    const paid = await orderWhen(code, (o) => o.state === 'PaymentAuthorized', 'PaymentAuthorized after payment.authorized');
    assert.equal(paid.payments.length, 1);
    const payment = paid.payments[0]!;
    assert.equal(payment.state, 'Authorized');
    assert.equal(payment.transactionId, intent.tenderPaymentId);
    assert.equal(payment.amount, paid.totalWithTax);
    assert.equal(payment.metadata.public?.paymentUrl, intent.paymentUrl, 'the hosted-page URL is in the payment metadata');

    // Tender redelivers (at-least-once): the order still has one payment.
    const authorizedEvent = (await tender.events.list({ type: 'payment.authorized', object_id: intent.tenderPaymentId })).data[0]!;
    const redelivery = await tender.events.redeliver(authorizedEvent.id, { endpoint: endpointId });
    await waitDelivered(redelivery.delivery_ids[0]!);
    assert.equal((await order(code)).payments.length, 1, 'a redelivered event adds nothing');

    const settled = await admin.query<{ settlePayment: { state?: string; message?: string } }>(SETTLE, { id: payment.id });
    assert.equal(settled.settlePayment.state, 'Settled', settled.settlePayment.message);
    assert.equal((await tender.payments.retrieve(intent.tenderPaymentId)).status, 'captured');
    assert.equal((await order(code)).state, 'PaymentSettled');

    const refund = await admin.query<{ refundOrder: { state?: string; total?: number; transactionId?: string; message?: string } }>(REFUND, { paymentId: payment.id, amount: 1000 });
    assert.equal(refund.refundOrder.state, 'Settled', refund.refundOrder.message);
    assert.match(String(refund.refundOrder.transactionId), /^ref_/);
    const afterRefund = await tender.payments.retrieve(intent.tenderPaymentId);
    assert.equal(afterRefund.status, 'partially_refunded');
    assert.equal(afterRefund.amount_refunded, 1000);
  });

  async function waitDelivered(deliveryId: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const deliveries = await tender.webhookEndpoints.deliveries(endpointId, { limit: 100 });
      const d = deliveries.data.find((x) => x.id === deliveryId);
      if (d?.status === 'delivered') return;
      if (d?.status === 'failed') throw new Error(`delivery ${deliveryId} failed: ${JSON.stringify(d.attempts)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`delivery ${deliveryId} never delivered`);
  }

  it('refuses forged, altered and unsigned webhooks, and another order\'s payment from the storefront', async () => {
    const firstCode = await checkout('grace@example.com');
    const first = (await shop.query<{ createTenderPaymentIntent: { tenderPaymentId: string } }>(INTENT)).createTenderPaymentIntent;
    await tender.payments.confirmWithCard(first.tenderPaymentId, card);
    await orderWhen(firstCode, (o) => o.state === 'PaymentAuthorized', 'first order authorized');

    const code = await checkout('mallory@example.com');
    const intent = (await shop.query<{ createTenderPaymentIntent: { tenderPaymentId: string } }>(INTENT)).createTenderPaymentIntent;
    // The storefront cannot pay this order with the other order's (paid) Tender payment.
    const stolen = await shop.query<{ addPaymentToOrder: { errorCode?: string; message?: string } }>(ADD_PAYMENT, { metadata: { tenderPaymentId: first.tenderPaymentId } });
    assert.equal(stolen.addPaymentToOrder.errorCode, 'PAYMENT_FAILED_ERROR');
    // Nor with its own payment before Tender confirms it.
    const early = await shop.query<{ addPaymentToOrder: { errorCode?: string } }>(ADD_PAYMENT, { metadata: { tenderPaymentId: intent.tenderPaymentId } });
    assert.equal(early.addPaymentToOrder.errorCode, 'PAYMENT_FAILED_ERROR');

    // A genuine payment.authorized event for the first order, re-targeted at this one.
    const event = (await tender.events.list({ type: 'payment.authorized', object_id: first.tenderPaymentId })).data[0]!;
    const forgedBody = JSON.stringify(event).replaceAll(firstCode, code);
    const now = Math.floor(Date.now() / 1000);
    assert.deepEqual(await postWebhook(forgedBody, { 'Tender-Signature': `t=${now},v1=${'0'.repeat(64)}` }), { status: 400, text: 'bad signature' });
    assert.equal((await postWebhook(forgedBody, {})).status, 400);
    assert.equal((await postWebhook('not json', { 'Tender-Signature': `t=${now},v1=${'0'.repeat(64)}` })).status, 400);
    const o = await order(code);
    assert.equal(o.state, 'ArrangingPayment');
    assert.ok(o.payments.every((p) => p.state === 'Error'), 'nothing was authorized');

    // Paid for real, the payment is added; an admin cancel voids it at Tender.
    await tender.payments.confirmWithCard(intent.tenderPaymentId, card);
    const paid = await orderWhen(code, (x) => x.state === 'PaymentAuthorized', 'second order authorized');
    const payment = paid.payments.find((p) => p.state === 'Authorized')!;
    const canceled = await admin.query<{ cancelPayment: { state?: string; message?: string } }>(CANCEL, { id: payment.id });
    assert.equal(canceled.cancelPayment.state, 'Cancelled', canceled.cancelPayment.message);
    assert.equal((await tender.payments.retrieve(intent.tenderPaymentId)).status, 'canceled');
  });

  it('a capture made outside Vendure (Tender dashboard or API) settles the Vendure payment', async () => {
    const code = await checkout('linus@example.com');
    const intent = (await shop.query<{ createTenderPaymentIntent: { tenderPaymentId: string } }>(INTENT)).createTenderPaymentIntent;
    await tender.payments.confirmWithCard(intent.tenderPaymentId, card);
    await orderWhen(code, (o) => o.state === 'PaymentAuthorized', 'authorized');
    await tender.payments.capture(intent.tenderPaymentId);
    const settled = await orderWhen(code, (o) => o.state === 'PaymentSettled', 'PaymentSettled after payment.captured');
    assert.deepEqual(settled.payments.map((p) => p.state), ['Settled']);
  });

  it('with "Capture at once" the payment is captured by Tender and added as Settled', async () => {
    const methods = await admin.query<{ paymentMethods: { items: Array<{ id: string; handler: { code: string; args: Array<{ name: string; value: string }> } }> } }>(
      gql(`query { paymentMethods { items { id handler { code args { name value } } } } }`),
    );
    const method = methods.paymentMethods.items.find((m) => m.handler.code === 'tender')!;
    const args = (autoCapture: string) => method.handler.args.map((a) => (a.name === 'autoCapture' ? { name: a.name, value: autoCapture } : a));
    const UPDATE = gql(`mutation ($input: UpdatePaymentMethodInput!) { updatePaymentMethod(input: $input) { id } }`);
    await admin.query(UPDATE, { input: { id: method.id, handler: { code: 'tender', arguments: args('true') } } });
    try {
      const code = await checkout('barbara@example.com');
      const intent = (await shop.query<{ createTenderPaymentIntent: { tenderPaymentId: string } }>(INTENT)).createTenderPaymentIntent;
      assert.equal((await tender.payments.retrieve(intent.tenderPaymentId)).capture_method, 'automatic');
      await tender.payments.confirmWithCard(intent.tenderPaymentId, card);
      const settled = await orderWhen(code, (o) => o.state === 'PaymentSettled', 'PaymentSettled');
      assert.deepEqual(settled.payments.map((p) => [p.state, p.transactionId]), [['Settled', intent.tenderPaymentId]]);
    } finally {
      await admin.query(UPDATE, { input: { id: method.id, handler: { code: 'tender', arguments: args('false') } } });
    }
  });

  it('converts Vendure amounts (precision 2 for every currency) to ISO 4217 minor units exactly', () => {
    assert.equal(toTenderAmount(2550, 'EUR'), 2550);
    assert.equal(toTenderAmount(150000, 'JPY'), 1500);
    assert.equal(toTenderAmount(1234, 'KWD'), 12340);
    assert.equal(toTenderAmount(12345, 'KWD', 3), 12345);
    assert.throws(() => toTenderAmount(150050, 'JPY'), RangeError, 'half a yen is not rounded away');
    assert.throws(() => toTenderAmount(0, 'EUR'), RangeError);
    assert.throws(() => toTenderAmount(10.5, 'EUR'), RangeError);
    assert.equal(fromTenderAmount(1500, 'JPY'), 150000);
    assert.equal(fromTenderAmount(12340, 'KWD'), 1234);
    assert.throws(() => fromTenderAmount(12345, 'KWD'), RangeError);
  });
});
