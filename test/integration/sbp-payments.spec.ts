import assert from 'node:assert/strict';
import request from 'supertest';
import { AwaitedPaymentSettler, BankRegistry, FixedClock, signNotification } from '@tender/core';
import { LATE_RETURN_POLICY, lateReturnDelay } from '@tender/core/dist/payments/late-payment-returns';
import { assertConforms, checkPaymentMethod } from '@tender/core/testing';
import { SANDBOX_SBP_SIGNATURE_HEADER, SandboxSbpBank, SbpBankAdapter, SbpPaymentMethod, plugin as sbpPlugin, runSbpBankConformance } from '@tender/plugin-sbp';
import { TestGateway } from '../support/test-gateway';
import { startAwaitedMethodGateway } from '../support/awaited-method-gateway';
import { MerchantClient } from '../support/merchant-client';

const SECRET = 'sbp-sandbox-test-secret-0123456789abcdef';
const NOTIFY = '/plugins/sbp/notifications/sbp-sandbox';

type PaymentBody = Record<string, unknown> & {
  id: string;
  status: string;
  next_action: { type: string; qr: { payload: string; image_data_url: string }; mobile_url: string; expires_at: string } | null;
};

/**
 * SBP end to end over the gateway's HTTP API (supertest, loopback): the sbp method,
 * the sandbox SBP bank's test API and signed notifications, AwaitedPaymentSettler's
 * inquiry and expiry job, refunds by return transfer. Nothing is mocked: the
 * sandbox bank is the plugin's own, in the gateway's process and database.
 */
describe('SBP payments (@tender/plugin-sbp)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let api: MerchantClient;
  let clock: FixedClock;

  before(async () => {
    ({ t, api, clock } = await startAwaitedMethodGateway(sbpPlugin, { TENDER_PLUGIN_SBP_SANDBOX_SECRET: SECRET }));
  });
  after(async () => t.close());

  const settler = (): AwaitedPaymentSettler => t.gateway.container.resolve(AwaitedPaymentSettler);
  const referenceOf = (p: PaymentBody): string => decodeURIComponent(p.next_action!.qr.payload.split('/').pop()!);
  const payment = async (id: string): Promise<PaymentBody> => (await api.get(`/v1/payments/${id}`).expect(200)).body as PaymentBody;
  const events = async (id: string): Promise<string[]> =>
    (await t.gateway.db('events').where({ object_id: id }).orderBy('seq', 'asc').select('type')).map((r: { type: string }) => r.type);

  async function qrPayment(overrides: Record<string, unknown> = {}): Promise<PaymentBody> {
    const created = await api.createPayment({ amount: 249900, ...overrides });
    const res = await api.post(`/v1/payments/${created.id}/confirm`, { payment_method: { type: 'sbp' } }).expect(200);
    return res.body as PaymentBody;
  }

  function notify(body: Record<string, unknown>, secret = SECRET): request.Test {
    const raw = JSON.stringify(body);
    return request(t.gateway.app)
      .post(NOTIFY)
      .set('Content-Type', 'application/json')
      .set(SANDBOX_SBP_SIGNATURE_HEADER, `sha256=${signNotification(secret, raw)}`)
      .send(raw);
  }

  it('answers requires_action with the QR payload, a PNG image and its expiry', async () => {
    const p = await qrPayment();
    assert.equal(p.status, 'requires_action');
    assert.equal(p.next_action?.type, 'display_qr');
    assert.match(p.next_action.qr.payload, /\/plugins\/sbp\/sandbox\/qr\/[A-Za-z0-9_]+$/);
    assert.match(p.next_action.qr.image_data_url, /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    assert.equal(p.next_action.mobile_url, p.next_action.qr.payload);
    assert.equal(Date.parse(p.next_action.expires_at), clock.now() + 15 * 60_000);
  });

  it('the tester approves: captured, through the state machine with its events; a duplicate changes nothing', async () => {
    const p = await qrPayment();
    const ref = referenceOf(p);
    const approved = await request(t.gateway.app).post(`/plugins/sbp/sandbox/qr/${ref}/approve`).send({}).expect(200);
    assert.equal(approved.body.notified, 200);
    const paid = await payment(p.id);
    assert.equal(paid.status, 'captured');
    assert.equal(paid.amount_captured, 249900);
    assert.equal(paid.next_action, null);
    const before = await events(p.id);
    assert.deepEqual(before, ['payment.created', 'payment.processing', 'payment.requires_action', 'payment.processing', 'payment.captured']);
    // The bank sends it again (the sandbox re-sends on a second decision), and a reject after the approval.
    assert.equal((await request(t.gateway.app).post(`/plugins/sbp/sandbox/qr/${ref}/approve`).send({}).expect(200)).body.notified, 200);
    const dup = await notify({ reference: ref, status: 'paid', amount: 249900, currency: 'RUB', operation_id: 'sbpop_x' }).expect(200);
    assert.equal(dup.body.outcome, 'already_settled');
    assert.equal((await notify({ reference: ref, status: 'rejected', amount: 249900, currency: 'RUB' }).expect(200)).body.outcome, 'already_settled');
    assert.equal((await payment(p.id)).status, 'captured');
    assert.deepEqual(await events(p.id), before);
  });

  it('the tester rejects: declined, and the buyer may try again with a new QR code', async () => {
    const p = await qrPayment();
    await request(t.gateway.app)
      .post(`/plugins/sbp/sandbox/qr/${referenceOf(p)}/reject`)
      .send({})
      .expect(200);
    const declined = await payment(p.id);
    assert.equal(declined.status, 'declined');
    assert.equal(declined.failure_code, 'do_not_honor');
    const again = (await api.post(`/v1/payments/${p.id}/confirm`, { payment_method: { type: 'sbp' } }).expect(200)).body as PaymentBody;
    assert.equal(again.status, 'requires_action');
    assert.notEqual(referenceOf(again), referenceOf(p));
  });

  it('refuses forged notifications (bad signature, other key, altered body, another sum, unknown reference) and changes nothing', async () => {
    const p = await qrPayment();
    const ref = referenceOf(p);
    const body = { reference: ref, status: 'paid', amount: 249900, currency: 'RUB' };
    await request(t.gateway.app).post(NOTIFY).set('Content-Type', 'application/json').send(JSON.stringify(body)).expect(401);
    await notify(body, 'another-secret-of-at-least-thirty-two-chars').expect(401);
    const raw = JSON.stringify(body);
    await request(t.gateway.app)
      .post(NOTIFY)
      .set('Content-Type', 'application/json')
      .set(SANDBOX_SBP_SIGNATURE_HEADER, `sha256=${signNotification(SECRET, raw)}`)
      .send(raw.replace('249900', '100'))
      .expect(401);
    assert.equal((await notify({ ...body, amount: 100 }).expect(422)).body.error, 'amount_mismatch');
    assert.equal((await notify({ ...body, currency: 'EUR' }).expect(422)).body.error, 'amount_mismatch');
    await notify({ ...body, reference: 'bop_doesnotexist' }).expect(404);
    const after = await payment(p.id);
    assert.equal(after.status, 'requires_action');
    assert.deepEqual(await events(p.id), ['payment.created', 'payment.processing', 'payment.requires_action']);
  });

  it('settles by status inquiry when the notification is lost', async () => {
    const p = await qrPayment();
    // The bank took the money but its notification never arrived.
    await t.gateway
      .db('sbp_sandbox_qrs')
      .where({ reference: referenceOf(p) })
      .update({ status: 'paid' });
    assert.ok((await settler().runDue()) >= 1);
    assert.equal((await payment(p.id)).status, 'captured');
  });

  it('expires unpaid: failed with action_expired; paid late, it is accepted (nothing else was paid)', async () => {
    const p = await qrPayment();
    assert.equal(await settler().runDue(), 0, 'nothing expires before its time');
    clock.advance(15 * 60_000 + 1);
    await settler().runDue();
    const expired = await payment(p.id);
    assert.equal(expired.status, 'failed');
    assert.equal(expired.failure_code, 'action_expired');
    assert.equal(expired.next_action, null);
    const late = await request(t.gateway.app)
      .post(`/plugins/sbp/sandbox/qr/${referenceOf(p)}/approve`)
      .send({})
      .expect(200);
    assert.equal(late.body.notified, 200);
    const accepted = await payment(p.id);
    assert.equal(accepted.status, 'captured');
    assert.deepEqual((await events(p.id)).slice(-3), ['payment.failed', 'payment.processing', 'payment.captured']);
  });

  /** The sandbox bank's return transfers fail (a bank outage: the call throws) while `failing` says so; counts the calls. */
  function outage(): { failing: boolean; calls: number; restore(): void } {
    const adapter = t.gateway.container.resolve(BankRegistry).get('sbp-sandbox');
    assert.ok(adapter instanceof SbpBankAdapter, 'the sandbox SBP bank is registered');
    const bank = adapter.bank;
    assert.ok(bank instanceof SandboxSbpBank, 'behind the sandbox SBP bank');
    const refund = bank.refund.bind(bank);
    const state = {
      failing: true,
      calls: 0,
      restore: () => void (bank.refund = refund),
    };
    bank.refund = async (request) => {
      state.calls++;
      if (state.failing) throw new Error('connection reset by the bank');
      return refund(request);
    };
    return state;
  }

  /** A QR payment that lapsed, was canceled by the shop, and then paid at the bank: its return is owed. */
  async function paidAfterCancel(): Promise<{ p: PaymentBody; ref: string }> {
    const p = await qrPayment();
    clock.advance(15 * 60_000 + 1);
    await settler().runDue();
    await api.post(`/v1/payments/${p.id}/cancel`, {}).expect(200);
    const ref = referenceOf(p);
    await t.gateway.db('sbp_sandbox_qrs').where({ reference: ref }).update({ status: 'paid' });
    return { p, ref };
  }

  it('paid late after the shop canceled: the money goes back by return transfer and the operator is alerted', async () => {
    // The buyer's bank paid the lapsed QR (its clock behind ours) and notifies.
    const { p, ref } = await paidAfterCancel();
    const late = await notify({ reference: ref, status: 'paid', amount: 249900, currency: 'RUB', operation_id: 'sbpop_late' }).expect(200);
    assert.equal(late.body.outcome, 'returned_late');
    assert.equal((await payment(p.id)).status, 'canceled');
    assert.equal((await request(t.gateway.app).get(`/plugins/sbp/sandbox/api/qr/${ref}`).expect(200)).body.refunded, 249900);
    const settled = await notify({ reference: ref, status: 'paid', amount: 249900, currency: 'RUB' }).expect(200);
    assert.equal(settled.body.outcome, 'already_settled');
    const alerts = await t.gateway.db('bank_operator_alerts').where({ payment_id: p.id, kind: 'late_payment_returned' });
    assert.equal(alerts.length, 1);
  });

  it('a late payment whose return the bank fails is retried with backoff, with the same reference, until it goes back', async () => {
    const { p, ref } = await paidAfterCancel();
    const bank = outage();
    try {
      const late = await notify({ reference: ref, status: 'paid', amount: 249900, currency: 'RUB', operation_id: 'sbpop_retry' }).expect(200);
      assert.equal(late.body.outcome, 'returned_late');
      const op = String((await t.gateway.db('late_payment_returns').where({ payment_id: p.id }).first())!.operation_id);
      const owed = async () => (await t.gateway.db('late_payment_returns').where({ operation_id: op }).first())!;
      assert.deepEqual([(await owed()).status, Number((await owed()).attempts)], ['pending', 1]);
      assert.equal((await request(t.gateway.app).get(`/plugins/sbp/sandbox/api/qr/${ref}`).expect(200)).body.refunded, 0);
      assert.equal((await t.gateway.db('bank_operator_alerts').where({ payment_id: p.id })).length, 0, 'no alert while the return is still being tried');
      // Not due yet: the job does not ask the bank again.
      await settler().runDue();
      assert.equal(bank.calls, 1);
      clock.advance(lateReturnDelay(1));
      await settler().runDue();
      assert.deepEqual([bank.calls, Number((await owed()).attempts)], [2, 2]);
      // The bank is back: the next due try returns the money, once.
      bank.failing = false;
      clock.advance(lateReturnDelay(2));
      await settler().runDue();
      assert.equal((await owed()).status, 'returned');
      assert.equal((await request(t.gateway.app).get(`/plugins/sbp/sandbox/api/qr/${ref}`).expect(200)).body.refunded, 249900);
      assert.deepEqual(
        (await t.gateway.db('sbp_sandbox_returns').where({ qr_reference: ref })).map((r: { reference: string }) => r.reference),
        [`${op}_return`],
      );
      const alerts = await t.gateway.db('bank_operator_alerts').where({ payment_id: p.id });
      assert.deepEqual(
        alerts.map((a: { kind: string }) => a.kind),
        ['late_payment_returned'],
      );
      assert.match(String(alerts[0].summary), /on try 3/);
      clock.advance(LATE_RETURN_POLICY.maxDelayMs);
      await settler().runDue();
      assert.equal(bank.calls, 3, 'a returned payment is never asked for again');
      assert.equal((await payment(p.id)).status, 'canceled');
    } finally {
      bank.restore();
    }
  });

  it('a late return that fails on every try stops after the last one and alerts the operator to return it by hand', async () => {
    const { p, ref } = await paidAfterCancel();
    const bank = outage();
    try {
      await notify({ reference: ref, status: 'paid', amount: 249900, currency: 'RUB' }).expect(200);
      for (let attempts = 1; attempts < LATE_RETURN_POLICY.maxAttempts; attempts++) {
        clock.advance(lateReturnDelay(attempts));
        await settler().runDue();
      }
      const owed = (await t.gateway.db('late_payment_returns').where({ payment_id: p.id }).first())!;
      assert.deepEqual([owed.status, Number(owed.attempts)], ['failed', LATE_RETURN_POLICY.maxAttempts]);
      assert.match(String(owed.last_error), /connection reset/);
      const alerts = await t.gateway.db('bank_operator_alerts').where({ payment_id: p.id });
      assert.deepEqual(
        alerts.map((a: { kind: string }) => a.kind),
        ['late_payment_return_failed'],
      );
      assert.match(String(alerts[0].summary), /return it by hand/);
      assert.ok((await events(p.id)).includes('bank_operation.late_payment_return_failed'));
      clock.advance(LATE_RETURN_POLICY.maxDelayMs);
      await settler().runDue();
      assert.equal(bank.calls, LATE_RETURN_POLICY.maxAttempts, 'bounded: no try after the last');
    } finally {
      bank.restore();
    }
  });

  it('confirmed again while waiting: the old QR code paid is returned, the new one settles the payment', async () => {
    const first = await qrPayment();
    const second = (await api.post(`/v1/payments/${first.id}/confirm`, { payment_method: { type: 'sbp' } }).expect(200)).body as PaymentBody;
    assert.notEqual(referenceOf(second), referenceOf(first));
    await request(t.gateway.app)
      .post(`/plugins/sbp/sandbox/qr/${referenceOf(first)}/approve`)
      .send({})
      .expect(200);
    assert.equal((await payment(first.id)).status, 'requires_action', 'the old code does not settle the newer offer');
    assert.equal(
      (
        await request(t.gateway.app)
          .get(`/plugins/sbp/sandbox/api/qr/${referenceOf(first)}`)
          .expect(200)
      ).body.refunded,
      249900,
    );
    await request(t.gateway.app)
      .post(`/plugins/sbp/sandbox/qr/${referenceOf(second)}/approve`)
      .send({})
      .expect(200);
    const paid = await payment(first.id);
    assert.equal(paid.status, 'captured');
    assert.equal(paid.amount_captured, 249900);
  });

  it('refunds by return transfer, partially and in full, never more than paid', async () => {
    const p = await qrPayment();
    const ref = referenceOf(p);
    await request(t.gateway.app).post(`/plugins/sbp/sandbox/qr/${ref}/approve`).send({}).expect(200);
    const partial = await api.post('/v1/refunds', { payment_id: p.id, amount: 99900 }).expect(201);
    assert.equal(partial.body.status, 'succeeded');
    await api.post('/v1/refunds', { payment_id: p.id, amount: 150001 }).expect(400);
    await api.post('/v1/refunds', { payment_id: p.id, amount: 150000 }).expect(201);
    const refunded = await payment(p.id);
    assert.equal(refunded.status, 'refunded');
    assert.equal(refunded.amount_refunded, 249900);
    const atBank = await request(t.gateway.app).get(`/plugins/sbp/sandbox/api/qr/${ref}`).expect(200);
    assert.equal(atBank.body.refunded, 249900);
  });

  it('refuses what SBP cannot do before anything is written', async () => {
    for (const [overrides, code] of [
      [{ currency: 'EUR' }, 'payment_method_unavailable'],
      [{ capture_method: 'manual' }, 'payment_method_unavailable'],
    ] as const) {
      const created = await api.createPayment(overrides);
      const res = await api.post(`/v1/payments/${created.id}/confirm`, { payment_method: { type: 'sbp' } }).expect(400);
      assert.equal(res.body.error.code, code);
      assert.equal((await payment(created.id)).status, 'pending');
      assert.equal((await t.gateway.db('bank_operations').where({ payment_id: created.id })).length, 0);
    }
    const created = await api.createPayment();
    const stray = await api.post(`/v1/payments/${created.id}/confirm`, { payment_method: { type: 'sbp', sbp: { phone: '+79990000000' } } }).expect(400);
    assert.equal(stray.body.error.code, 'parameter_unknown');
    assert.equal((await payment(created.id)).status, 'pending');
  });

  it('the sandbox tester page is escaped and cannot run scripts', async () => {
    const p = await qrPayment({ description: '<script>alert(1)</script>' });
    const page = await request(t.gateway.app)
      .get(`/plugins/sbp/sandbox/qr/${referenceOf(p)}`)
      .expect(200);
    assert.ok(!page.text.includes('<script>alert(1)</script>'));
    assert.ok(page.text.includes('&lt;script&gt;'));
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
    await request(t.gateway.app).get('/plugins/sbp/sandbox/qr/..%2F..%2Fetc').expect(404);
  });

  it('conforms: the sandbox SBP bank (SbpBank through SbpBankAdapter) and the sbp method', async () => {
    const bank = new SandboxSbpBank(t.gateway.db, clock, SECRET, 'http://pay.tender.test');
    bank.notifyTo(async () => ({ status: 200 }));
    assertConforms(await runSbpBankConformance({ bank, clock, livemode: false, complete: async (ref, outcome) => void (await bank.decide(ref, outcome)) }));
    assertConforms(await checkPaymentMethod({ method: new SbpPaymentMethod('sbp-sandbox'), valid: [{}], requiresInput: false }));
  });
});
