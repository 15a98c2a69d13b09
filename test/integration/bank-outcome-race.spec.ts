import assert from 'node:assert/strict';
import { BankResult } from '@tender/core';
import { AnswerNotRecordedError, BankOutcomeApplier } from '@tender/core/dist/payments/bank-outcome';
import { BankOperationRepository } from '@tender/core/dist/banks/bank-operation';
import { PaymentRepository } from '@tender/core/dist/payments/payment.repository';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';

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
  /**
   * A trigger makes the database refuse to settle one operation with the error a lost
   * Galera certification gives ("Deadlock found when trying to get lock", which
   * Tender treats as a retryable conflict), every time: what a card's hot risk bucket
   * written from two nodes at once can do to an answer for a while. The answer is
   * tried longer than a request's transaction, then left to the reconciler: the
   * operation stays pending and says why, and no caller hears "nothing was written".
   */
  async function refuseSettling(where: { column: 'id' | 'payment_id'; value: string }): Promise<() => Promise<void>> {
    const db = t.gateway.db;
    const name = `refuse_settling_${Math.random().toString(36).slice(2, 10)}`;
    const message = 'Deadlock found when trying to get lock; try restarting transaction';
    if (db.client.config.client === 'mysql2') {
      await db.raw(
        `CREATE TRIGGER ${name} BEFORE UPDATE ON bank_operations FOR EACH ROW BEGIN
           IF OLD.${where.column} = ? AND NEW.status <> 'pending' THEN SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = '${message}'; END IF;
         END`,
        [where.value],
      );
    } else {
      await db.raw(
        `CREATE TRIGGER ${name} BEFORE UPDATE ON bank_operations FOR EACH ROW
           WHEN OLD.${where.column} = '${where.value.replace(/[^0-9A-Za-z_]/g, '')}' AND NEW.status <> 'pending'
           BEGIN SELECT RAISE(ABORT, '${message}'); END`,
      );
    }
    return async () => {
      await db.raw(`DROP TRIGGER ${name}`);
    };
  }

  it('an answer that keeps losing write conflicts is left pending for the reconciler, and applied when it comes again', async function () {
    this.timeout(120_000);
    const { id, op } = await pendingSale();
    const allow = await refuseSettling({ column: 'id', value: op.id });
    try {
      await assert.rejects(applier.apply(op, APPROVED), (error: unknown) => error instanceof AnswerNotRecordedError && error.code === 'bank_outcome_unknown');
    } finally {
      await allow();
    }
    const stillPending = await t.gateway.db('bank_operations').where({ id: op.id }).first();
    assert.equal(stillPending?.status, 'pending');
    assert.match(String(stillPending?.failure_message), /could not be recorded/);
    assert.equal((await t.gateway.db('payments').where({ id }).first())?.status, 'processing');
    // The reconciler's later try (the conflict gone) applies it, once.
    assert.equal((await applier.apply(op, APPROVED)).applied, true);
    assert.equal((await t.gateway.db('payments').where({ id }).first())?.status, 'captured');
  });

  it('a confirm whose approval cannot be recorded answers the payment processing, not a retryable write_conflict', async function () {
    this.timeout(120_000);
    const created = await shop.createPayment();
    const allow = await refuseSettling({ column: 'payment_id', value: created.id });
    try {
      const res = await shop.post(`/v1/payments/${created.id}/confirm`, card(CARDS.visa));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, 'processing');
    } finally {
      await allow();
    }
    const ops = await t.gateway.db('bank_operations').where({ payment_id: created.id });
    assert.deepEqual(
      ops.map((o: { status: string }) => o.status),
      ['pending'],
      'the approved authorization waits for the reconciler',
    );
  });

  it('a capture whose approval cannot be recorded answers 502 bank_outcome_unknown and leaves the payment authorized', async function () {
    this.timeout(120_000);
    const authorized = await shop.pay(CARDS.visa, { capture_method: 'manual' });
    assert.equal(authorized.status, 'authorized');
    const allow = await refuseSettling({ column: 'payment_id', value: authorized.id });
    try {
      const res = await shop.post(`/v1/payments/${authorized.id}/capture`, {});
      assert.equal(res.status, 502, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'bank_outcome_unknown');
    } finally {
      await allow();
    }
    const payment = await t.gateway.db('payments').where({ id: authorized.id }).first();
    assert.equal(payment?.status, 'authorized', 'not captured until the answer is recorded');
    assert.equal(Number(payment?.amount_captured), 0);
    const captures = await t.gateway.db('bank_operations').where({ payment_id: authorized.id, kind: 'capture' });
    assert.deepEqual(
      captures.map((o: { status: string }) => o.status),
      ['pending'],
      'the approved capture waits for the reconciler',
    );
  });

  it('a refund whose approval cannot be recorded is answered pending, its amount still reserved', async function () {
    this.timeout(120_000);
    const paid = await shop.pay(CARDS.visa);
    assert.equal(paid.status, 'captured');
    const allow = await refuseSettling({ column: 'payment_id', value: paid.id });
    let refundId: string;
    try {
      const res = await shop.post('/v1/refunds', { payment_id: paid.id, amount: 1000 });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.status, 'pending');
      refundId = String(res.body.id);
    } finally {
      await allow();
    }
    const payment = await t.gateway.db('payments').where({ id: paid.id }).first();
    assert.equal(Number(payment?.amount_refund_pending), 1000, 'the amount stays reserved: no second refund can take it');
    assert.equal(Number(payment?.amount_refunded), 0);
    assert.equal((await t.gateway.db('refunds').where({ id: refundId }).first())?.status, 'pending');
  });

  it('an answer whose payment keeps changing under it is left pending after its races, never applied twice', async function () {
    this.timeout(120_000);
    const { id, op } = await pendingSale();
    // Another writer moves the payment on after every read the applier makes: a real
    // UPDATE of the row's version, so each conditional settle finds it changed.
    class MovingPayments extends PaymentRepository {
      override async find(...args: Parameters<PaymentRepository['find']>): ReturnType<PaymentRepository['find']> {
        const found = await super.find(...args);
        if (found?.id === id) await t.gateway.db('payments').where({ id }).increment('version', 1);
        return found;
      }
    }
    const child = t.gateway.container.createChildContainer();
    child.register(PaymentRepository, { useClass: MovingPayments });
    const racing = child.resolve(BankOutcomeApplier);
    const before = await t.gateway.db('payments').where({ id }).first();
    await assert.rejects(racing.apply(op, APPROVED), (error: unknown) => error instanceof AnswerNotRecordedError);
    const after = await t.gateway.db('payments').where({ id }).first();
    assert.equal(after?.status, 'processing');
    assert.equal(Number(after?.version) - Number(before?.version), 5, 'five reads, five competing writes, no write of its own');
    const pending = await t.gateway.db('bank_operations').where({ id: op.id }).first();
    assert.equal(pending?.status, 'pending');
    assert.match(String(pending?.failure_message), /kept changing/);
    assert.equal((await t.gateway.db('events').where({ object_id: id, type: 'payment.captured' })).length, 0);
  });
});
