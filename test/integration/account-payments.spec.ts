import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import request from 'supertest';
import { FixedClock } from '@tender/core';
import { CertificateAuthority } from '@tender/plugin-accounts';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';
import { PayerDevice, admin, confirmSigned, enrolPayer, issueFor, pageTokenOf, signRequest } from '../support/payer-app';

const RICH = '40817810000000000001';
const POOR = '40817810000000000002';
const OTHER = '40817810000000000003';

/** A certificate made outside Tender's inventory, signed by `signer` (another CA, or Tender's CA with the wrong usage). */
function craftCertificate(
  signer: { key: forge.pki.rsa.PrivateKey; subject: forge.pki.CertificateField[] },
  extensions: object[],
  payerId: string,
): { keyPem: string; certificatePem: string } {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '4a' + forge.util.bytesToHex(forge.random.getBytesSync(15));
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 30 * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: payerId }]);
  cert.setIssuer(signer.subject);
  cert.setExtensions(extensions);
  cert.sign(signer.key, forge.md.sha256.create());
  return { keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), certificatePem: forge.pki.certificateToPem(cert) };
}

describe('payments from a personal account (signed requests)', function () {
  let t: TestGateway;
  let clock: FixedClock;
  let shop: MerchantClient;
  let merchantId: string;
  let device: PayerDevice;

  const newPayment = async (overrides: Record<string, unknown> = {}): Promise<{ id: string; token: string }> => {
    const p = await shop.createPayment({ amount: 25000, ...overrides });
    return { id: p.id, token: pageTokenOf(p) };
  };
  const iat = (): number => Math.floor(clock.now() / 1000);

  /** A refused confirmation: the code, and proof that nothing was charged or written. */
  const assertRefused = async (res: request.Response, code: string, paymentId: string): Promise<void> => {
    assert.equal(res.status, 401, JSON.stringify(res.body));
    assert.equal(res.body.error.type, 'authentication_error');
    assert.equal(res.body.error.code, code);
    const payment = await shop.get(`/v1/payments/${paymentId}`).expect(200);
    assert.equal(payment.body.status, 'pending');
    assert.equal((await t.gateway.db('bank_operations').where({ payment_id: paymentId })).length, 0);
    assert.equal((await t.gateway.db('account_payments').where({ payment_id: paymentId })).length, 0);
  };

  before(async () => {
    clock = new FixedClock(Date.now());
    t = await startTestGateway({ clock });
    const merchant = await t.createMerchant();
    merchantId = merchant.id;
    shop = new MerchantClient(t.gateway.app, merchant.key);
    await admin(t.gateway.app).post('/ca', { common_name: 'Test payer CA' }).expect(201);
    await admin(t.gateway.app).post(`/merchants/${merchantId}/account-payments`, { enabled: true }).expect(200);
    device = await enrolPayer(t.gateway.app, RICH);
  });
  after(() => t.close());

  it('issues, pays from the account, refunds; after revocation the same payer is refused', async () => {
    const { id, token } = await newPayment();
    const offer = await request(t.gateway.app).get(`/pay-account/${token}`).expect(200);
    assert.equal(offer.body.account_payments_enabled, true);
    assert.deepEqual(offer.body.authentication, ['signed_request', 'tls_client_certificate']);

    const paid = await confirmSigned(t.gateway.app, device, token, { account: { number: RICH } }, { iat: iat() }).expect(200);
    assert.equal(paid.body.status, 'captured');
    const payment = (await shop.get(`/v1/payments/${id}`).expect(200)).body;
    assert.equal(payment.status, 'captured');
    assert.equal(payment.amount_captured, 25000);
    assert.equal(payment.card, null);
    const link = await t.gateway.db('account_payments').where({ payment_id: id }).first();
    assert.equal(link.payer_id, device.payerId);
    assert.equal(link.certificate_serial, device.serial);
    assert.equal(link.authenticated_by, 'signed_request');
    // Core records how it was paid in its own column (the dashboard's method filter reads it).
    assert.equal((await t.gateway.db('payments').where({ id }).first())!.method_type, 'account');

    const refund = await shop.post('/v1/refunds', { payment_id: id }).expect(201);
    assert.equal(refund.body.status, 'succeeded');
    assert.equal((await shop.get(`/v1/payments/${id}`)).body.status, 'refunded');
    const events = await t.gateway.db('events').where({ object_id: id }).orderBy('seq');
    assert.deepEqual(
      events.map((e: { type: string }) => e.type),
      ['payment.created', 'payment.processing', 'payment.captured', 'payment.refunded'],
    );

    await admin(t.gateway.app).post(`/certificates/${device.serial}/revoke`, { reason: 'keyCompromise' }).expect(200);
    const next = await newPayment();
    await assertRefused(await confirmSigned(t.gateway.app, device, next.token, {}, { iat: iat() }), 'certificate_revoked', next.id);
    device = await issueFor(t.gateway.app, device.payerId, device.accountId, RICH);
  });

  it('authorizes a manual-capture payment from the account, then captures it', async () => {
    const { id, token } = await newPayment({ capture_method: 'manual' });
    const paid = await confirmSigned(t.gateway.app, device, token, {}, { iat: iat() }).expect(200);
    assert.equal(paid.body.status, 'authorized');
    const captured = await shop.post(`/v1/payments/${id}/capture`, { amount: 20000 }).expect(200);
    assert.equal(captured.body.status, 'captured');
    assert.equal(captured.body.amount_captured, 20000);
  });

  let poorDevice: PayerDevice | undefined;
  const poorPayer = async (): Promise<PayerDevice> => (poorDevice ??= await enrolPayer(t.gateway.app, POOR));

  it('is declined by the bank when the account lacks funds', async () => {
    const poor = await poorPayer();
    const { id, token } = await newPayment({ amount: 10001 });
    const res = await confirmSigned(t.gateway.app, poor, token, {}, { iat: iat() }).expect(200);
    assert.equal(res.body.status, 'declined');
    assert.equal(res.body.failure_code, 'insufficient_funds');
    assert.equal((await shop.get(`/v1/payments/${id}`)).body.status, 'declined');
  });

  it("keeps the account's balance: 100.00 pays 27.05 three times, not a fourth (issue 19 item 10)", async () => {
    const poor = await poorPayer();
    const statuses: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { token } = await newPayment({ amount: 2705 });
      statuses.push((await confirmSigned(t.gateway.app, poor, token, {}, { iat: iat() }).expect(200)).body.status);
    }
    assert.deepEqual(statuses, ['captured', 'captured', 'captured', 'declined'], 'the sandbox counts what the account already paid');
  });

  it('refuses type account on the merchant API, and merchants that have not enabled it', async () => {
    const { id, token } = await newPayment();
    const viaMerchant = await shop.post(`/v1/payments/${id}/confirm`, { payment_method: { type: 'account' } }).expect(400);
    assert.equal(viaMerchant.body.error.code, 'payment_method_unsupported');

    const other = await t.createMerchant('Other Shop');
    const otherShop = new MerchantClient(t.gateway.app, other.key);
    const p = await otherShop.createPayment({ amount: 1000 });
    await request(t.gateway.app)
      .get(`/pay-account/${pageTokenOf(p)}`)
      .expect(403);
    const refused = await confirmSigned(t.gateway.app, device, pageTokenOf(p), {}, { iat: iat() }).expect(403);
    assert.equal(refused.body.error.code, 'account_payments_disabled');
    assert.equal((await otherShop.get(`/v1/payments/${p.id}`)).body.status, 'pending');
    assert.equal((await shop.get(`/v1/payments/${id}`)).body.status, 'pending');
    assert.equal(token.length > 20, true);
  });

  describe('each refusal is a distinct 401 and charges nothing', () => {
    it('certificate_missing: no signature and no TLS certificate', async () => {
      const { id, token } = await newPayment();
      await assertRefused(await request(t.gateway.app).post(`/pay-account/${token}/confirm`).send({}), 'certificate_missing', id);
    });

    it('certificate_expired', async () => {
      const shortLived = await issueFor(t.gateway.app, device.payerId, device.accountId, RICH, { validityDays: 1 });
      const { id, token } = await newPayment();
      clock.advance(2 * 86_400_000);
      try {
        await assertRefused(await confirmSigned(t.gateway.app, shortLived, token, {}, { iat: iat() }), 'certificate_expired', id);
      } finally {
        clock.advance(-2 * 86_400_000);
      }
    });

    it('certificate_not_yet_valid', async () => {
      const fresh = await issueFor(t.gateway.app, device.payerId, device.accountId, RICH);
      const { id, token } = await newPayment();
      clock.advance(-3600_000);
      try {
        await assertRefused(await confirmSigned(t.gateway.app, fresh, token, {}, { iat: iat() }), 'certificate_not_yet_valid', id);
      } finally {
        clock.advance(3600_000);
      }
    });

    it('certificate_untrusted: issued by another CA', async () => {
      const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const subject = [{ name: 'commonName', value: 'Test payer CA' }];
      const forged = craftCertificate(
        { key: forge.pki.privateKeyFromPem(keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), subject },
        [
          { name: 'keyUsage', digitalSignature: true, critical: true },
          { name: 'extKeyUsage', clientAuth: true },
        ],
        device.payerId,
      );
      const { id, token } = await newPayment();
      await assertRefused(await confirmSigned(t.gateway.app, { ...device, ...forged }, token, {}, { iat: iat() }), 'certificate_untrusted', id);
    });

    it('certificate_wrong_usage: signed by the operator CA but for servers only', async () => {
      const ca = await t.gateway.container.resolve(CertificateAuthority).require();
      const serverOnly = craftCertificate(
        { key: ca.forgeKey, subject: ca.certificate.subject.attributes },
        [
          { name: 'keyUsage', keyEncipherment: true, critical: true },
          { name: 'extKeyUsage', serverAuth: true },
        ],
        device.payerId,
      );
      const { id, token } = await newPayment();
      await assertRefused(await confirmSigned(t.gateway.app, { ...device, ...serverOnly }, token, {}, { iat: iat() }), 'certificate_wrong_usage', id);
    });

    it('certificate_revoked', async () => {
      const doomed = await issueFor(t.gateway.app, device.payerId, device.accountId, RICH);
      await admin(t.gateway.app).post(`/certificates/${doomed.serial}/revoke`, { reason: 'superseded' }).expect(200);
      const { id, token } = await newPayment();
      await assertRefused(await confirmSigned(t.gateway.app, doomed, token, {}, { iat: iat() }), 'certificate_revoked', id);
    });

    it('certificate_not_bound: the certificate is bound to another account', async () => {
      await enrolPayer(t.gateway.app, OTHER);
      const { id, token } = await newPayment();
      await assertRefused(await confirmSigned(t.gateway.app, device, token, { account: { number: OTHER } }, { iat: iat() }), 'certificate_not_bound', id);
    });

    it('signature_invalid: the body was changed after signing', async () => {
      const { id, token } = await newPayment();
      const res = await confirmSigned(
        t.gateway.app,
        device,
        token,
        { account: { number: RICH } },
        { iat: iat(), sentBody: JSON.stringify({ account: { number: OTHER } }) },
      );
      await assertRefused(res, 'signature_invalid', id);
    });

    it('signature_invalid: a signature made for another payment', async () => {
      const first = await newPayment();
      const second = await newPayment();
      const path = `/pay-account/${second.token}/confirm`;
      const header = signRequest(device.keyPem, device.certificatePem, `/pay-account/${first.token}/confirm`, '{}', { iat: iat() });
      const res = await request(t.gateway.app).post(path).set('Content-Type', 'application/json').set('Tender-Signature', header).send('{}');
      await assertRefused(res, 'signature_invalid', second.id);
    });

    it('signature_replayed: the same signed request twice, even where paying again would be allowed', async () => {
      // Declined payments may be confirmed again (another attempt), so only the nonce stops this replay.
      const { id, token } = await newPayment({ amount: 100_000_001 });
      const nonce = 'replay-nonce-0123456789';
      const first = await confirmSigned(t.gateway.app, device, token, {}, { iat: iat(), nonce }).expect(200);
      assert.equal(first.body.status, 'declined');
      const again = await confirmSigned(t.gateway.app, device, token, {}, { iat: iat(), nonce });
      assert.equal(again.status, 401);
      assert.equal(again.body.error.code, 'signature_replayed');
      assert.equal((await t.gateway.db('bank_operations').where({ payment_id: id })).length, 1);
      assert.equal((await t.gateway.db('account_payments').where({ payment_id: id })).length, 1);
      assert.equal((await shop.get(`/v1/payments/${id}`)).body.status, 'declined');
      // A fresh nonce is a new attempt, which the state machine allows.
      await confirmSigned(t.gateway.app, device, token, {}, { iat: iat() }).expect(200);
    });

    it('signature_stale: a timestamp ten minutes old', async () => {
      const { id, token } = await newPayment();
      await assertRefused(await confirmSigned(t.gateway.app, device, token, {}, { iat: iat() - 600 }), 'signature_stale', id);
    });

    it('certificate_not_bound: the account was closed (the payer keeps another one)', async () => {
      const added = await admin(t.gateway.app).post(`/payers/${device.payerId}/accounts`, { number: '40817840000000000001', bank: 'sandbox' }).expect(201);
      assert.equal(added.body.accounts.length, 2);
      const duplicate = await admin(t.gateway.app).post(`/payers/${device.payerId}/accounts`, { number: '40817840000000000001', bank: 'sandbox' }).expect(400);
      assert.equal(duplicate.body.error.param, 'number');
      const closed = await admin(t.gateway.app).post(`/payers/${device.payerId}/accounts/${device.accountId}/close`).expect(200);
      assert.equal(closed.body.accounts.find((a: { id: string }) => a.id === device.accountId).status, 'closed');
      const { id, token } = await newPayment();
      await assertRefused(await confirmSigned(t.gateway.app, device, token, {}, { iat: iat() }), 'certificate_not_bound', id);
    });
  });
});
