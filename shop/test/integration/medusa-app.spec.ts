import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import type * as MedusaTestUtils from '@medusajs/test-utils';
import type { MedusaContainer } from '@medusajs/types';
import { Modules } from '@medusajs/utils';
import { TenderClient, type Payment } from '@tender/client';
import { type TestGateway, startTestGateway, CARDS, FAST_WEBHOOKS, eventually } from '../support/gateway-support';

/*
 * Medusa's integration test runner is written for Jest (beforeAll/afterAll); under mocha
 * these are the same hooks by another name.
 */
Object.assign(globalThis, { beforeAll: before, afterAll: after });

// Medusa's CLI and loaders report to their vendor unless told not to; tests reach only loopback.
process.env.MEDUSA_DISABLE_TELEMETRY = 'true';
// The throwaway database lives on this machine's PostgreSQL (trust auth as postgres).
// `localhost`, not 127.0.0.1: the runner asks for TLS on any database URL without
// "localhost" in it, and a local PostgreSQL has none.
process.env.DB_HOST ??= 'localhost';
process.env.DB_USERNAME ??= 'postgres';
// Loaded after the lines above: the runner reads its database credentials when it is loaded.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { medusaIntegrationTestRunner } = require('@medusajs/test-utils') as typeof MedusaTestUtils;

/** The Medusa app: medusa-config.js registers @tender/medusa-payment as provider `tender`. */
const MEDUSA_APP = path.resolve(__dirname, '../../fixtures/medusa-app');
const PROVIDER_ID = 'pp_tender_tender';
const ADMIN = { email: 'admin@shop.test', password: 'medusa-app-spec-password' };

/**
 * A free port for Medusa below the kernel's ephemeral range (32768 and up): Medusa
 * listens on it only after its start-up has opened hundreds of outgoing connections
 * (PostgreSQL, the gateway), and any of those may be handed a port from that range,
 * which a port taken there with listen(0) beforehand could then be.
 */
async function freeListenPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = net.createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, () => resolve(true));
    });
    if (free) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
  throw new Error('no free port between 20000 and 32000');
}

/** The parts of Medusa's HTTP answers this spec reads. */
interface MedusaPaymentSession {
  id: string;
  provider_id: string;
  status: string;
  data: { id?: string; payment_url?: string; amount?: number; currency?: string };
}
interface MedusaPayment {
  id: string;
  provider_id: string;
  amount: number;
  captured_at: string | null;
  refunds?: Array<{ amount: number }>;
}
interface MedusaOrder {
  id: string;
  total: number;
  currency_code: string;
  payment_status: string;
  payment_collections: Array<{ id: string; status: string; payments: MedusaPayment[] }>;
}

/** A JSON client for Medusa's HTTP API (store routes with the publishable key, admin routes with the admin's token). */
class MedusaHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  with(headers: Record<string, string>): MedusaHttp {
    return new MedusaHttp(this.baseUrl, { ...this.headers, ...headers });
  }

  async send<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...this.headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  /** A webhook as Tender's deliverer sends it: the exact bytes and headers. */
  async postRaw(route: string, body: string, headers: Record<string, string>): Promise<number> {
    const res = await fetch(`${this.baseUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await res.arrayBuffer();
    return res.status;
  }
}

/**
 * An admin user as `medusa user -e ... -p ...` makes one: a user, and an emailpass
 * identity registered through Medusa's auth module (its real password hashing) and
 * tied to that user. The spec then logs in over HTTP like the admin dashboard.
 */
async function createAdminUser(container: MedusaContainer): Promise<void> {
  const users = container.resolve(Modules.USER);
  const auth = container.resolve(Modules.AUTH);
  const user = await users.createUsers({ email: ADMIN.email });
  const { authIdentity, error } = await auth.register('emailpass', { body: ADMIN });
  assert.ok(authIdentity, error);
  await auth.updateAuthIdentities({ id: authIdentity.id, app_metadata: { user_id: user.id } });
}

/**
 * @tender/medusa-payment inside a real Medusa v2 application: Medusa's own integration
 * test runner (@medusajs/test-utils' medusaIntegrationTestRunner) boots the app from
 * test/fixtures/medusa-app (every core module, the payment module with Tender as its
 * provider, the HTTP API on a loopback port) on a throwaway PostgreSQL database that it
 * creates, migrates and drops after the run. A real Tender gateway runs on loopback
 * (SQLite or MariaDB, as the rest of the suite). The storefront's and the admin's steps
 * go over Medusa's HTTP API; Tender's real signed webhooks reach Medusa's own
 * /hooks/payment/tender_tender route and its payment-webhook subscriber. The buyer pays
 * through Tender's direct confirm API with the sandbox card (what the hosted page does
 * on submit). Nothing is mocked.
 */
describe('Medusa inside Medusa (@tender/medusa-payment in a Medusa v2 app)', function () {
  this.timeout(300_000);
  let t: TestGateway;
  let tender: TenderClient;
  let medusaUrl: string;
  let endpointId: string;
  const card = { number: CARDS.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' };
  const savedEnv = { ...process.env };

  before(async () => {
    t = await startTestGateway({ env: FAST_WEBHOOKS });
    t.gateway.startBackgroundJobs();
    const baseUrl = `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
    const apiKey = (await t.createMerchant('Medusa App Shop')).key;
    tender = new TenderClient({ secretKey: apiKey, baseUrl });
    // Medusa's port is chosen here so Tender's webhook endpoint can name it before the
    // app (and the provider's webhookSecret option) is loaded.
    const port = await freeListenPort();
    medusaUrl = `http://127.0.0.1:${port}`;
    const endpoint = await tender.webhookEndpoints.create({ url: `${medusaUrl}/hooks/payment/tender_tender`, events: ['payment.*'] });
    endpointId = endpoint.id;
    Object.assign(process.env, { PORT: String(port), TENDER_SECRET_KEY: apiKey, TENDER_URL: baseUrl, TENDER_WEBHOOK_SECRET: endpoint.secret });
  });
  after(async () => {
    for (const key of ['PORT', 'TENDER_SECRET_KEY', 'TENDER_URL', 'TENDER_WEBHOOK_SECRET']) {
      if (savedEnv[key] === undefined) delete process.env[key];
      else process.env[key] = savedEnv[key];
    }
    await t?.close();
  });

  medusaIntegrationTestRunner({
    cwd: MEDUSA_APP,
    medusaConfigFile: MEDUSA_APP,
    testSuite: ({ getContainer, utils }) => {
      let admin: MedusaHttp;
      let store: MedusaHttp;
      let regionId: string;
      let variantId: string;

      // Runs once after the runner's own start-up; the runner snapshots the database
      // after it and restores that snapshot before each test.
      before(async () => {
        await createAdminUser(getContainer());
        const http = new MedusaHttp(medusaUrl);
        const { token } = await http.send<{ token: string }>('POST', '/auth/user/emailpass', ADMIN);
        admin = http.with({ authorization: `Bearer ${token}` });

        const { region } = await admin.send<{ region: { id: string } }>('POST', '/admin/regions', {
          name: 'Russia',
          currency_code: 'rub',
          countries: ['ru'],
          payment_providers: [PROVIDER_ID],
        });
        regionId = region.id;
        const { sales_channel } = await admin.send<{ sales_channel: { id: string } }>('POST', '/admin/sales-channels', { name: 'Web shop' });
        const { api_key } = await admin.send<{ api_key: { id: string; token: string } }>('POST', '/admin/api-keys', { title: 'Storefront', type: 'publishable' });
        await admin.send('POST', `/admin/api-keys/${api_key.id}/sales-channels`, { add: [sales_channel.id] });
        store = http.with({ 'x-publishable-api-key': api_key.token });
        // A product that ships nothing (no shipping profile, no inventory): the cart needs no shipping method.
        const { product } = await admin.send<{ product: { variants: Array<{ id: string }> } }>('POST', '/admin/products', {
          title: 'Clay pot',
          status: 'published',
          options: [{ title: 'Size', values: ['One'] }],
          variants: [{ title: 'One', options: { Size: 'One' }, manage_inventory: false, prices: [{ currency_code: 'rub', amount: 25.5 }] }],
          sales_channels: [{ id: sales_channel.id }],
        });
        variantId = product.variants[0]!.id;
      });

      /** A storefront's cart of two pots (51.00 RUB) with a Tender payment session. */
      async function cartWithTenderSession(): Promise<{ cartId: string; session: MedusaPaymentSession }> {
        const { cart } = await store.send<{ cart: { id: string; total: number } }>('POST', '/store/carts', {
          region_id: regionId,
          email: 'buyer@shop.test',
          items: [{ variant_id: variantId, quantity: 2 }],
        });
        assert.equal(cart.total, 51);
        const { payment_collection } = await store.send<{ payment_collection: { id: string } }>('POST', '/store/payment-collections', { cart_id: cart.id });
        const withSession = await store.send<{ payment_collection: { payment_sessions: MedusaPaymentSession[] } }>(
          'POST',
          `/store/payment-collections/${payment_collection.id}/payment-sessions`,
          { provider_id: PROVIDER_ID },
        );
        const session = withSession.payment_collection.payment_sessions.find((s) => s.provider_id === PROVIDER_ID);
        assert.ok(session, 'the Tender payment session');
        return { cartId: cart.id, session };
      }

      async function orderOfCart(cartId: string): Promise<MedusaOrder | undefined> {
        const { orders } = await admin.send<{ orders: Array<{ id: string }> }>('GET', `/admin/orders?cart_id=${cartId}&fields=id`);
        if (orders.length === 0) return undefined;
        const fields = 'id,total,currency_code,payment_status,*payment_collections,*payment_collections.payments,*payment_collections.payments.refunds';
        return (await admin.send<{ order: MedusaOrder }>('GET', `/admin/orders/${orders[0]!.id}?fields=${fields}`)).order;
      }

      async function tenderPayment(id: string): Promise<Payment> {
        return tender.payments.retrieve(id);
      }

      it('a forged webhook reaches Medusa but authorizes nothing; complete-cart asks Tender and refuses an unpaid session', async () => {
        const { cartId, session } = await cartWithTenderSession();
        const forged = JSON.stringify({ id: 'evt_forged', type: 'payment.authorized', data: { object: { id: session.data.id, status: 'authorized', amount: 5100, currency: 'RUB', metadata: { medusa_session_id: session.id } } } });
        const headers = { 'tender-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` };
        assert.equal(await new MedusaHttp(medusaUrl).postRaw('/hooks/payment/tender_tender', forged, headers), 200, 'Medusa accepts every webhook and judges it later');
        // What Medusa's payment-webhook subscriber asks of the payment module, with the same payload.
        const verdict = await getContainer().resolve(Modules.PAYMENT).getWebhookActionAndData({ provider: 'tender_tender', payload: { data: JSON.parse(forged) as Record<string, unknown>, rawData: Buffer.from(forged), headers } });
        assert.equal(verdict.action, 'not_supported');
        await utils.waitWorkflowExecutions();
        await assert.rejects(store.send('POST', `/store/carts/${cartId}/complete`), /400|payment/i, 'an unpaid Tender payment does not complete the cart');
        assert.equal(await orderOfCart(cartId), undefined, 'no order');
        assert.equal((await tenderPayment(session.data.id!)).status, 'pending');
      });

      it('storefront cart -> Tender session -> buyer pays -> signed webhook completes the order -> admin captures and refunds', async () => {
        // Every run of Medusa's process-payment workflow (what its payment-webhook subscriber
        // starts for a webhook it accepts), watched through the workflow engine.
        const processed: Array<{ errors: unknown[] }> = [];
        const engine = getContainer().resolve(Modules.WORKFLOW_ENGINE);
        const watcher = (event: { eventType: string; errors?: unknown[] }) => {
          if (event.eventType === 'onFinish') processed.push({ errors: event.errors ?? [] });
        };
        await engine.subscribe({ workflowId: 'process-payment-workflow', subscriber: watcher });
        assert.ok(getContainer().resolve(Modules.PAYMENT), "Medusa's payment module is loaded");
        const { payment_providers: providers } = await admin.send<{ payment_providers: Array<{ id: string }> }>('GET', '/admin/payments/payment-providers');
        assert.ok(providers.some((p) => p.id === PROVIDER_ID), 'Medusa lists the Tender provider');

        const { cartId, session } = await cartWithTenderSession();
        const paymentId = session.data.id!;
        assert.match(paymentId, /^pay_/);
        assert.match(String(session.data.payment_url), /\/pay\//);
        const created = await tenderPayment(paymentId);
        assert.equal(created.amount, 5100, "Medusa's 51 RUB is 5100 kopecks at Tender");
        assert.equal(created.currency, 'RUB');
        assert.equal(created.metadata?.medusa_session_id, session.id, "Medusa's session id travels in the metadata");

        // The buyer pays on Tender; Tender's signed payment.authorized reaches Medusa's
        // webhook route, and Medusa's subscriber authorizes the session and completes the cart.
        await tender.payments.confirmWithCard(paymentId, card);
        // Medusa handles a received webhook 5 s after it (its default `webhook_delay`).
        await eventually(async () => (await orderOfCart(cartId)) !== undefined, 'the webhook completed the cart into an order', 60_000);
        await utils.waitWorkflowExecutions();
        // The storefront's own complete-cart (it may race the webhook) answers the same order.
        const completed = await store.send<{ type: string; order?: { id: string } }>('POST', `/store/carts/${cartId}/complete`);
        assert.equal(completed.type, 'order');
        const order = (await orderOfCart(cartId))!;
        assert.equal(completed.order?.id, order.id);
        assert.equal(order.total, 51);
        assert.equal(order.currency_code, 'rub');
        const payment = order.payment_collections[0]!.payments[0]!;
        assert.equal(payment.provider_id, PROVIDER_ID);
        assert.equal(payment.captured_at, null);
        assert.equal((await tenderPayment(paymentId)).status, 'authorized');

        // The admin captures from the order page, then refunds 10 RUB.
        await admin.send('POST', `/admin/payments/${payment.id}/capture`, {});
        assert.equal((await tenderPayment(paymentId)).status, 'captured');
        await admin.send('POST', `/admin/payments/${payment.id}/refund`, { amount: 10 });
        const refunded = await tenderPayment(paymentId);
        assert.equal(refunded.status, 'partially_refunded');
        assert.equal(refunded.amount_refunded, 1000);
        // Every Tender webhook of this payment (created, authorized, captured, ...) reached
        // Medusa's route and was accepted; the captured one changes nothing in Medusa: the
        // payment was captured once.
        await eventually(async () => {
          const { data } = await tender.webhookEndpoints.deliveries(endpointId, { limit: 100 });
          return data.length > 0 && data.every((d) => d.status === 'delivered');
        }, 'Tender delivered its webhooks to Medusa', 60_000);
        // Medusa's process-payment workflow ran for the authorized and the captured webhooks.
        await eventually(async () => processed.length >= 2, 'Medusa processed the authorized and captured webhooks', 60_000);
        await engine.unsubscribe({ workflowId: 'process-payment-workflow', subscriberOrId: watcher });
        assert.deepEqual(processed.map((run) => run.errors.length), [0, 0], 'both ran without an error (capturing an already captured payment again is a no-op)');
        await utils.waitWorkflowExecutions();
        const after = (await orderOfCart(cartId))!;
        assert.equal(after.payment_status, 'partially_refunded');
        const afterPayment = after.payment_collections[0]!.payments[0]!;
        assert.notEqual(afterPayment.captured_at, null);
        assert.deepEqual(afterPayment.refunds?.map((r) => Number(r.amount)), [10]);
      });
    },
  });
});
