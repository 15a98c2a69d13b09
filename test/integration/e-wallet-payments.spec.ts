import assert from 'node:assert/strict';
import request from 'supertest';
import { AwaitedPaymentSettler, FixedClock, signNotification } from '@tender/core';
import { assertConforms, checkPaymentMethod } from '@tender/core/testing';
import {
  EWalletPaymentMethod,
  SANDBOX_WALLET_SIGNATURE_HEADER,
  SandboxWallet,
  plugin as walletPlugin,
  runWalletProviderConformance,
} from '@tender/plugin-e-wallet';
import { TestGateway } from '../support/test-gateway';
import { startAwaitedMethodGateway } from '../support/awaited-method-gateway';
import { MerchantClient } from '../support/merchant-client';

const SECRET = 'wallet-sandbox-test-secret-0123456789abc';
const NOTIFY = '/plugins/e-wallet/notifications/wallet-sandbox';

interface WalletPayment {
  readonly id: string;
  readonly status: string;
  readonly failure_code: string | null;
  readonly amount_refunded: number;
  readonly payment_url: string;
  readonly next_action: { type: string; url: string; expires_at: string } | null;
}

/**
 * The e-wallet method end to end over HTTP: redirect to the sandbox wallet, the
 * buyer pays or cancels on its page (a real form post, then back to the payment's
 * page), signed notifications (forged, duplicate, late), status inquiry, expiry and
 * refunds. The sandbox wallet is the plugin's own, in the gateway's process.
 */
describe('e-wallet payments (@tender/plugin-e-wallet)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let api: MerchantClient;
  let clock: FixedClock;

  before(async () => {
    ({ t, api, clock } = await startAwaitedMethodGateway(walletPlugin, { TENDER_PLUGIN_E_WALLET_SANDBOX_SECRET: SECRET }));
  });
  after(async () => t.close());

  const get = async (id: string): Promise<WalletPayment> => (await api.get(`/v1/payments/${id}`).expect(200)).body as WalletPayment;
  const walletPath = (p: WalletPayment): string => new URL(p.next_action!.url).pathname;
  const referenceOf = (p: WalletPayment): string => walletPath(p).split('/').pop()!;

  async function walletPayment(amount = 50000): Promise<WalletPayment> {
    const created = await api.createPayment({ amount });
    return (await api.post(`/v1/payments/${created.id}/confirm`, { payment_method: { type: 'e_wallet' } }).expect(200)).body as WalletPayment;
  }

  function signed(body: unknown, secret = SECRET): request.Test {
    const raw = JSON.stringify(body);
    return request(t.gateway.app)
      .post(NOTIFY)
      .set('Content-Type', 'application/json')
      .set(SANDBOX_WALLET_SIGNATURE_HEADER, `sha256=${signNotification(secret, raw)}`)
      .send(raw);
  }

  it('redirects to the wallet; the buyer pays on its page and comes back to a paid payment', async () => {
    const p = await walletPayment();
    assert.equal(p.status, 'requires_action');
    assert.equal(p.next_action?.type, 'redirect_to_url');
    assert.match(p.next_action.url, /^http:\/\/pay\.tender\.test\/plugins\/e-wallet\/sandbox\/pay\/[A-Za-z0-9_]+$/);
    const page = await request(t.gateway.app).get(walletPath(p)).expect(200);
    assert.match(page.text, /500\.00/);
    const back = await request(t.gateway.app).post(walletPath(p)).type('form').send({ decision: 'succeeded' }).expect(303);
    assert.equal(back.headers.location, new URL(p.payment_url).pathname);
    assert.equal((await get(p.id)).status, 'captured');
  });

  it('the buyer cancels at the wallet: declined; a duplicate or forged notification changes nothing', async () => {
    const p = await walletPayment();
    const ref = referenceOf(p);
    await request(t.gateway.app).post(walletPath(p)).type('form').send({ decision: 'canceled' }).expect(303);
    assert.equal((await get(p.id)).status, 'declined');
    assert.equal((await request(t.gateway.app).post(`/plugins/e-wallet/sandbox/api/payments/${ref}/cancel`).expect(200)).body.notified, 200);
    const forged = { event: 'payment.succeeded', object: { id: 'wp_forged', reference: ref, amount: 50000, currency: 'RUB' } };
    await request(t.gateway.app).post(NOTIFY).set('Content-Type', 'application/json').send(JSON.stringify(forged)).expect(401);
    await signed(forged, 'not-the-wallets-secret-but-long-enough-12345').expect(401);
    await request(t.gateway.app).post(NOTIFY).set(SANDBOX_WALLET_SIGNATURE_HEADER, 'sha256=zz').send('not json').expect(401);
    assert.equal((await get(p.id)).status, 'declined');
    await request(t.gateway.app).post(walletPath(p)).type('form').send({ decision: 'maybe' }).expect(400);
  });

  it("refuses a signed notification for another sum or another adapter's operation", async () => {
    const p = await walletPayment();
    const ref = referenceOf(p);
    assert.equal(
      (await signed({ event: 'payment.succeeded', object: { reference: ref, amount: 1, currency: 'RUB' } }).expect(422)).body.error,
      'amount_mismatch',
    );
    await signed({ event: 'payment.succeeded', object: { reference: 'bop_notours', amount: 50000, currency: 'RUB' } }).expect(404);
    assert.equal((await get(p.id)).status, 'requires_action');
  });

  it('settles by status inquiry, expires the unpaid, and accepts a late payment', async () => {
    const paid = await walletPayment();
    const waiting = await walletPayment();
    await t.gateway
      .db('e_wallet_sandbox_payments')
      .where({ reference: referenceOf(paid) })
      .update({ status: 'succeeded' });
    const settler = t.gateway.container.resolve(AwaitedPaymentSettler);
    await settler.runDue();
    assert.equal((await get(paid.id)).status, 'captured');
    assert.equal((await get(waiting.id)).status, 'requires_action');
    clock.advance(30 * 60_000 + 1);
    await settler.runDue();
    const expired = await get(waiting.id);
    assert.equal(expired.status, 'failed');
    assert.equal(expired.failure_code, 'action_expired');
    assert.equal(
      (
        await request(t.gateway.app)
          .post(`/plugins/e-wallet/sandbox/api/payments/${referenceOf(waiting)}/succeed`)
          .expect(200)
      ).body.notified,
      200,
    );
    assert.equal((await get(waiting.id)).status, 'captured');
  });

  it('refunds through the wallet, idempotently', async () => {
    const p = await walletPayment(30000);
    await request(t.gateway.app)
      .post(`/plugins/e-wallet/sandbox/api/payments/${referenceOf(p)}/succeed`)
      .expect(200);
    const first = await api.post('/v1/refunds', { payment_id: p.id, amount: 10000 }, 'wallet-refund-1').expect(201);
    const again = await api.post('/v1/refunds', { payment_id: p.id, amount: 10000 }, 'wallet-refund-1').expect(201);
    assert.equal(again.body.id, first.body.id);
    await api.post('/v1/refunds', { payment_id: p.id, amount: 20000 }).expect(201);
    const refunded = await get(p.id);
    assert.equal(refunded.status, 'refunded');
    assert.equal(
      (
        await request(t.gateway.app)
          .get(`/plugins/e-wallet/sandbox/api/payments/${referenceOf(p)}`)
          .expect(200)
      ).body.refunded,
      30000,
    );
  });

  it('conforms: the sandbox wallet (WalletProvider through WalletAdapter) and the e_wallet method', async () => {
    const wallet = new SandboxWallet(t.gateway.db, clock, SECRET, 'http://pay.tender.test');
    wallet.notifyTo(async () => ({ status: 200 }));
    assertConforms(
      await runWalletProviderConformance({
        wallet,
        clock,
        currency: 'RUB',
        livemode: false,
        complete: async (ref, outcome) => void (await wallet.decide(ref, outcome === 'paid' ? 'succeeded' : 'canceled')),
      }),
    );
    assertConforms(
      await checkPaymentMethod({ method: new EWalletPaymentMethod('http://pay.tender.test', ['RUB'], 'wallet-sandbox'), valid: [{}], requiresInput: false }),
    );
  });
});
