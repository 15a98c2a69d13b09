import assert from 'node:assert/strict';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { createAssistPlugin } from '@tender/plugin-assist-compat';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { ASSIST, enableAssist } from '../support/assist-shop';
import { AssistApiError, AssistOrder, AssistReferenceClient } from '../support/assist-reference-client';

/**
 * A shop whose charge or cancel timed out sends it again, possibly while the first is
 * still running: whatever the order of events, one capture and one refund per intent.
 * Driven by the reference client (test/support/assist-reference-client.ts).
 */
describe('Assist charge/cancel repeated after a timeout: never twice', function () {
  let t: TestGateway;
  let api: MerchantClient;
  let client: AssistReferenceClient;

  async function kinds(paymentId: string): Promise<{ captures: number; refunds: number; voids: number }> {
    const ops = await t.gateway.db('bank_operations').where({ payment_id: paymentId });
    const refunds = await t.gateway.db('refunds').where({ payment_id: paymentId });
    return { captures: ops.filter((o) => o.kind === 'capture').length, voids: ops.filter((o) => o.kind === 'void').length, refunds: refunds.length };
  }

  /** A repeat may meet the first call still running: it is then refused as not possible now (7/1), never executed again. */
  async function settled(call: Promise<AssistOrder>): Promise<AssistOrder | 'refused'> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof AssistApiError && error.firstcode === 7 && error.secondcode === 1) return 'refused';
      throw error;
    }
  }

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, createAssistPlugin()] });
    const merchant = await t.createMerchant();
    api = new MerchantClient(t.gateway.app, merchant.key);
    await enableAssist(t.gateway.app, merchant.id, { result_url: null });
    client = new AssistReferenceClient(t.gateway.app, { merchantId: ASSIST.merchantId, login: ASSIST.login, password: ASSIST.password, salt: ASSIST.salt });
  });
  after(() => t.close());

  it('two charges at once, then a third: one capture', async () => {
    const payment = await api.pay(CARDS.visa, { capture_method: 'manual', amount: 150000, currency: 'RUB' });
    const both = await Promise.all([
      settled(client.charge(payment.id, { Amount: '1000.00', Currency: 'RUB' })),
      settled(client.charge(payment.id, { Amount: '1000.00', Currency: 'RUB' })),
    ]);
    assert.ok(both.some((r) => r !== 'refused' && r.orderstate === 'PartialApproved'));
    const third = await client.charge(payment.id, { Amount: '1000.00', Currency: 'RUB' }, '5');
    assert.equal(third.orderstate, 'PartialApproved');
    assert.equal(third.amount, '1000.00');
    assert.equal((await kinds(payment.id)).captures, 1);
    // A different amount is not a repeat: refused, with the reason in major units.
    await assert.rejects(
      client.charge(payment.id, { Amount: '500.00', Currency: 'RUB' }),
      (e: AssistApiError) => e.firstcode === 7 && /PartialApproved/.test(e.message),
    );
  });

  it('two partial refunds with the same amount at once, then a third: one refund', async () => {
    const payment = await api.pay(CARDS.visa, { amount: 90000, currency: 'RUB' });
    const both = await Promise.all([
      client.wscancel(payment.id, { Amount: '100.00', Currency: 'RUB' }),
      client.wscancel(payment.id, { Amount: '100.00', Currency: 'RUB' }),
    ]);
    // The call that finds the other's refund still at the bank answers the order as it stands (Approved, the refund pending).
    assert.ok(both.some((o) => o.orderstate === 'PartialCanceled'));
    assert.ok(both.every((o) => o.orderstate === 'PartialCanceled' || o.orderstate === 'Approved'));
    assert.equal((await client.wscancel(payment.id, { Amount: '100.00', Currency: 'RUB' })).orderstate, 'PartialCanceled');
    assert.equal((await kinds(payment.id)).refunds, 1);
    // The rest without Amount, twice: one more refund, then nothing left to return.
    assert.equal((await client.wscancel(payment.id)).orderstate, 'Canceled');
    assert.equal((await client.wscancel(payment.id)).orderstate, 'Canceled');
    assert.equal((await kinds(payment.id)).refunds, 2);
    const after = (await api.get(`/v1/payments/${payment.id}`).expect(200)).body;
    assert.deepEqual([after.status, after.amount_refunded], ['refunded', 90000]);
  });

  it('a void repeated: one void', async () => {
    const payment = await api.pay(CARDS.visa, { capture_method: 'manual', amount: 30000, currency: 'RUB' });
    await Promise.all([settled(client.wscancel(payment.id)), settled(client.wscancel(payment.id))]);
    assert.equal((await client.wscancel(payment.id)).orderstate, 'Canceled');
    assert.equal((await kinds(payment.id)).voids, 1);
  });
});
