import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { IBigNumber } from '@medusajs/types';
import { TenderClient } from '@tender/client';
import medusaModule, { TenderPaymentProvider, toMinorUnits } from '@tender/medusa-payment';
import { type TestGateway, startTestGateway, CARDS, FAST_WEBHOOKS, type ReceivedWebhook, WebhookReceiver } from '../support/gateway-support';

/**
 * The real @medusajs/utils, loaded from where @tender/medusa-payment resolves it (it is
 * that package's dev and peer dependency; npm may nest it under shop/medusa/node_modules
 * when another shop package needs another express), so this test holds the very
 * classes the provider extends. Typed here with the parts the test uses.
 */
interface MedusaUtils {
  AbstractPaymentProvider: (abstract new (...args: never[]) => object) & { isPaymentProvider(o: unknown): boolean };
  BigNumber: new (value: string | number) => IBigNumber;
  ModuleProvider(module: string, definition: { services: unknown[] }): unknown;
  Modules: { PAYMENT: string };
  PaymentActions: Record<'AUTHORIZED' | 'SUCCESSFUL' | 'FAILED' | 'CANCELED' | 'REQUIRES_MORE' | 'NOT_SUPPORTED', string>;
  PaymentSessionStatus: Record<'AUTHORIZED' | 'CAPTURED' | 'PENDING' | 'REQUIRES_MORE' | 'ERROR' | 'CANCELED', string>;
}
const medusa = createRequire(require.resolve('@tender/medusa-payment'))('@medusajs/utils') as MedusaUtils;
const { PaymentActions, PaymentSessionStatus } = medusa;
const bigNumber = (value: string) => new medusa.BigNumber(value);

/**
 * The Medusa provider, a subclass of Medusa's real AbstractPaymentProvider, against a
 * real gateway on loopback; the test calls its methods in the order Medusa's payment
 * module does, with Medusa's real BigNumber amounts. The buyer pays through the direct confirm API with the sandbox card
 * (the hosted page is not part of this branch); Tender's real signed webhook reaches a
 * loopback receiver and is handed to getWebhookActionAndData as Medusa's
 * /hooks/payment route would.
 */
describe('Medusa payment provider (@tender/medusa-payment)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let receiver: WebhookReceiver;
  let client: TenderClient;
  let provider: TenderPaymentProvider;
  let secret: string;
  const card = { number: CARDS.visa, exp_month: 12, exp_year: new Date().getUTCFullYear() + 2, cvc: '123' };

  before(async () => {
    t = await startTestGateway({ env: FAST_WEBHOOKS });
    t.gateway.startBackgroundJobs();
    const baseUrl = `http://127.0.0.1:${(await t.gateway.listen(0, '127.0.0.1')).port}`;
    const apiKey = (await t.createMerchant('Medusa Shop')).key;
    client = new TenderClient({ secretKey: apiKey, baseUrl });
    receiver = await new WebhookReceiver().start();
    secret = (await client.webhookEndpoints.create({ url: receiver.url('/hooks/payment/tender_tender'), events: ['payment.*'] })).secret!;
    provider = new TenderPaymentProvider({}, { apiKey, baseUrl, webhookSecret: secret });
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  async function webhookFor(paymentId: string, type: string): Promise<ReceivedWebhook> {
    const find = () => receiver.received.find((h) => h.body.includes(`"type":"${type}"`) && h.body.includes(paymentId));
    await receiver.until(() => find() !== undefined, `${type} for ${paymentId}`);
    return find()!;
  }

  function asMedusaPayload(hook: ReceivedWebhook, rawBody = hook.body): { data: Record<string, unknown>; rawData: Buffer; headers: Record<string, unknown> } {
    return { data: JSON.parse(hook.body) as Record<string, unknown>, rawData: Buffer.from(rawBody), headers: hook.headers };
  }

  it('create -> confirm -> webhook -> authorize -> capture -> refund', async () => {
    const session = await provider.initiatePayment({ amount: bigNumber('25.50'), currency_code: 'rub', data: { session_id: 'payses_01' }, context: { idempotency_key: 'medusa-idem-1' } });
    assert.equal(session.status, PaymentSessionStatus.PENDING);
    assert.match(String(session.data?.payment_url), /\/pay\//);
    assert.equal(session.data?.amount, 2550);
    const again = await provider.initiatePayment({ amount: bigNumber('25.50'), currency_code: 'rub', data: { session_id: 'payses_01' }, context: { idempotency_key: 'medusa-idem-1' } });
    assert.equal(again.id, session.id, "Medusa's idempotency key is forwarded");
    assert.equal((await provider.authorizePayment({ data: session.data! })).status, PaymentSessionStatus.PENDING);

    await client.payments.confirmWithCard(session.id, card);
    const hook = await webhookFor(session.id, 'payment.authorized');
    const action = await provider.getWebhookActionAndData(asMedusaPayload(hook));
    assert.deepEqual(action, { action: PaymentActions.AUTHORIZED, data: { session_id: 'payses_01', amount: 25.5 } });

    const authorized = await provider.authorizePayment({ data: session.data! });
    assert.equal(authorized.status, PaymentSessionStatus.AUTHORIZED);
    const captured = await provider.capturePayment({ data: authorized.data! });
    assert.equal(captured.data?.status, 'captured');
    assert.equal((await provider.getPaymentStatus({ data: session.data! })).status, PaymentSessionStatus.CAPTURED);
    const capturedHook = await webhookFor(session.id, 'payment.captured');
    assert.equal((await provider.getWebhookActionAndData(asMedusaPayload(capturedHook))).action, PaymentActions.SUCCESSFUL);

    const refunded = await provider.refundPayment({ data: captured.data!, amount: 10 });
    assert.equal(refunded.data?.amount_refunded, 1000);
    assert.equal((await provider.retrievePayment({ data: session.data! })).data?.status, 'partially_refunded');
  });

  it('refuses a forged, altered or differently keyed webhook (nothing for Medusa to act on)', async () => {
    const session = await provider.initiatePayment({ amount: 7, currency_code: 'rub', data: { session_id: 'payses_02' } });
    await client.payments.confirmWithCard(session.id, card);
    const hook = await webhookFor(session.id, 'payment.authorized');
    assert.equal((await provider.getWebhookActionAndData(asMedusaPayload(hook, hook.body.replace('payses_02', 'payses_99')))).action, PaymentActions.NOT_SUPPORTED);
    assert.equal((await provider.getWebhookActionAndData({ ...asMedusaPayload(hook), headers: {} })).action, PaymentActions.NOT_SUPPORTED);
    const other = new TenderPaymentProvider({}, { apiKey: 'sk_test_x', baseUrl: 'http://127.0.0.1:1', webhookSecret: 'whsec_other' });
    assert.equal((await other.getWebhookActionAndData(asMedusaPayload(hook))).action, PaymentActions.NOT_SUPPORTED);
    // The genuine one is accepted.
    assert.equal((await provider.getWebhookActionAndData(asMedusaPayload(hook))).action, PaymentActions.AUTHORIZED);
    const canceled = await provider.cancelPayment({ data: session.data! });
    assert.equal(canceled.data?.status, 'canceled');
    assert.equal((await provider.getPaymentStatus({ data: session.data! })).status, PaymentSessionStatus.CANCELED);
  });

  it('converts fractional BigNumbers exactly and refuses what is finer than the minor unit', async () => {
    assert.equal(toMinorUnits(bigNumber('19.99'), 'eur'), 1999);
    assert.equal(toMinorUnits(19.99, 'EUR'), 1999);
    assert.equal(toMinorUnits(new medusa.BigNumber(19.99), 'eur'), 1999, 'a BigNumber made from a float');
    assert.equal(toMinorUnits(new medusa.BigNumber('0.1').raw!, 'usd'), 10, "a BigNumber's raw value, as Medusa stores it");
    assert.equal(toMinorUnits('0.1', 'usd'), 10);
    assert.equal(toMinorUnits(bigNumber('1500'), 'jpy'), 1500);
    assert.equal(toMinorUnits('1.234', 'kwd'), 1234);
    assert.throws(() => toMinorUnits(bigNumber('10.005'), 'eur'), RangeError);
    assert.throws(() => toMinorUnits(0.1 + 0.2, 'eur'), RangeError, 'float noise is not rounded away');
    assert.throws(() => toMinorUnits('1.5', 'jpy'), RangeError);
    assert.throws(() => toMinorUnits(-1, 'eur'), RangeError);
    const before = (await client.payments.list({ limit: 100 })).data.length;
    await assert.rejects(provider.initiatePayment({ amount: bigNumber('10.005'), currency_code: 'rub', data: { session_id: 'payses_03' } }), RangeError);
    assert.equal((await client.payments.list({ limit: 100 })).data.length, before, 'nothing was created');
  });

  it('validates its options and exports the module provider definition', () => {
    assert.throws(() => TenderPaymentProvider.validateOptions({ apiKey: 'pk_test_1', baseUrl: 'https://x', webhookSecret: 'whsec_1' }));
    assert.throws(() => TenderPaymentProvider.validateOptions({ apiKey: 'sk_test_1', baseUrl: 'ftp://x', webhookSecret: 'whsec_1' }));
    assert.throws(() => TenderPaymentProvider.validateOptions({ apiKey: 'sk_test_1', baseUrl: 'https://x' }));
    TenderPaymentProvider.validateOptions({ apiKey: 'sk_test_1', baseUrl: 'https://x', webhookSecret: 'whsec_1' });
    assert.equal(TenderPaymentProvider.identifier, 'tender');
    // Medusa's module loader writes `discoveryPath` onto a provider definition it has
    // loaded (medusa-app.spec.ts runs a Medusa app in the same process first).
    const loaded = { discoveryPath: undefined };
    assert.deepEqual({ ...medusaModule, ...loaded }, { ...(medusa.ModuleProvider(medusa.Modules.PAYMENT, { services: [TenderPaymentProvider] }) as object), ...loaded });
  });

  it("is Medusa's own AbstractPaymentProvider, as Medusa's payment module checks it", () => {
    const provider = new TenderPaymentProvider({}, { apiKey: 'sk_test_1', baseUrl: 'https://x', webhookSecret: 'whsec_1' });
    assert.ok(provider instanceof medusa.AbstractPaymentProvider);
    assert.ok(medusa.AbstractPaymentProvider.isPaymentProvider(provider));
    assert.equal(provider.getIdentifier(), 'tender');
    assert.throws(() => new TenderPaymentProvider({}, { apiKey: 'pk_test_1', baseUrl: 'https://x', webhookSecret: 'whsec_1' }), /secret key/);
  });
});
