import assert from 'node:assert/strict';
import { BankResult } from '@tender/core';
import { BankOutcomeApplier } from '@tender/core/dist/payments/bank-outcome';
import { BankOperationRepository } from '@tender/core/dist/banks/bank-operation';
import { PaymentRepository } from '@tender/core/dist/payments/payment.repository';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';

const APPROVED: BankResult = { kind: 'approved', authorizationCode: '123456', rrn: '000000000001', bankReference: 'race-ref' };
const DECLINED: BankResult = { kind: 'declined', reason: 'do_not_honor', rawCode: '05', message: 'Do not honor' };

/**
 * Two appliers of one bank answer at once: the request path (which knows the row it
 * wrote) and the reconciler (which reads it), or two request-path copies. Whichever
 * order the database picks, the answer is applied once: one applier reports it
 * applied, the payment moves once, with one event, and the risk outcome is counted once.
 */
describe('two appliers racing one bank answer', function () {
  let t: TestGateway;
  let shop: MerchantClient;
  let applier: BankOutcomeApplier;

  before(async () => {
    t = await startTestGateway();
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
    applier = t.gateway.container.resolve(BankOutcomeApplier);
  });
  after(() => t.close());

  /** A payment left processing with its sale pending (the timeout card), its operation and the row as the request path wrote it. */
  async function pendingSale(): Promise<{ id: string; op: Awaited<ReturnType<BankOperationRepository['find']>> & object }> {
    const p = await shop.pay(CARDS.timeout);
    assert.equal(p.status, 'processing');
    const row = await t.gateway.db('bank_operations').where({ payment_id: p.id, status: 'pending' }).first();
    assert.ok(row);
    const op = await t.gateway.container.resolve(BankOperationRepository).find(t.gateway.db, String(row.id));
    assert.ok(op);
    return { id: p.id, op };
  }

  async function race(result: BankResult, bothKnow: boolean): Promise<void> {
    const { id, op } = await pendingSale();
    const ctx = { merchantId: op.merchantId, livemode: op.livemode };
    const known = await t.gateway.container.resolve(PaymentRepository).find(t.gateway.db, ctx, id);
    assert.ok(known);
    const outcomes = await Promise.all([applier.apply(op, result, known), applier.apply(op, result, bothKnow ? known : undefined)]);
    assert.equal(outcomes.filter((o) => o.applied).length, 1, 'exactly one applier applies the answer');
    const status = result.kind === 'approved' ? 'captured' : 'declined';
    for (const o of outcomes) assert.equal(o.payment.status, status, 'both see the settled payment');
    const payment = await t.gateway.db('payments').where({ id }).first();
    assert.ok(payment);
    assert.equal(payment.status, status);
    assert.equal(payment.operation_in_progress, null);
    assert.equal(Number(payment.version), Number(known.version) + 1, 'the payment changed once');
    const events = await t.gateway.db('events').where({ object_id: id, type: `payment.${status}` });
    assert.equal(events.length, 1, 'one event for the one change');
    const settledOp = await t.gateway.db('bank_operations').where({ id: op.id }).first();
    assert.ok(settledOp);
    assert.equal(settledOp.status, result.kind === 'approved' ? 'succeeded' : 'declined');
    const assessments = await t.gateway.db('risk_assessments').where({ payment_id: id });
    assert.deepEqual(
      assessments.map((a: { outcome: string }) => a.outcome),
      [result.kind === 'approved' ? 'approved' : 'declined'],
    );
  }

  it('the request path and the reconciler: one approval, applied once', async () => {
    for (let i = 0; i < 4; i++) await race(APPROVED, false);
  });

  it('two copies of the request path: one decline, applied once', async () => {
    for (let i = 0; i < 4; i++) await race(DECLINED, true);
  });

  it('an answer arriving after the payment was settled changes nothing', async () => {
    const { id, op } = await pendingSale();
    assert.equal((await applier.apply(op, APPROVED)).applied, true);
    const late = await applier.apply(op, DECLINED);
    assert.equal(late.applied, false);
    assert.equal(late.payment.status, 'captured');
    assert.equal((await t.gateway.db('payments').where({ id }).first())?.status, 'captured');
  });
});
