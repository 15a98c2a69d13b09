import assert from 'node:assert/strict';
import { AuthorizationRequest, BankResult, FollowUpRequest, definePlugin } from '@tender/core';
import { SandboxBankAdapter } from '@tender/adapter-sandbox';
import { BankReconciler } from '@tender/core/dist/payments/bank-reconciler';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';

/**
 * A sandbox that can be told to lose answers or throw, standing in for a bank link
 * that drops. (The real faults over TCP are tested with the ISO 8583 simulator.)
 */
class FlakySandbox extends SandboxBankAdapter {
  loseNext: Array<'capture' | 'refund' | 'authorize-throw'> = [];
  captures = new Map<string, number>();

  override async authorize(request: AuthorizationRequest): Promise<BankResult> {
    if (this.loseNext[0] === 'authorize-throw') {
      this.loseNext.shift();
      throw new Error(`socket hang up while sending ${request.card.number}`);
    }
    return super.authorize(request);
  }

  override async capture(request: FollowUpRequest): Promise<BankResult> {
    this.captures.set(request.reference, (this.captures.get(request.reference) ?? 0) + 1);
    const answer = await super.capture(request);
    if (this.loseNext[0] === 'capture') {
      this.loseNext.shift();
      return { kind: 'unknown', message: 'answer lost' };
    }
    return answer;
  }
}

/**
 * `run(olderThanMs)` takes operations updated strictly before now - olderThanMs; an
 * operation updated in the same millisecond as the run would be missed with 0.
 */
const ANY_AGE = -1;

describe('reconciling operations whose outcome is unknown', function () {
  let t: TestGateway;
  let shop: MerchantClient;
  let bank: FlakySandbox;
  let reconciler: BankReconciler;

  before(async () => {
    bank = new FlakySandbox();
    const plugin = definePlugin({ name: 'flaky-sandbox', version: '0.0.0', coreRange: '*', setup: (ctx) => ctx.registerBankAdapter(bank) });
    t = await startTestGateway({ plugins: [plugin], captureLogs: true });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
    reconciler = t.gateway.container.resolve(BankReconciler);
  });
  after(() => t.close());

  it('settles the timeout card by status inquiry, not by guessing', async () => {
    const p = await shop.pay(CARDS.timeout);
    assert.equal(p.status, 'processing');
    assert.equal(await reconciler.run(ANY_AGE), 1);
    const settled = (await shop.get(`/v1/payments/${p.id}`)).body;
    assert.equal(settled.status, 'captured');
    assert.equal(settled.amount_captured, 150000);
    const events = await t.gateway.db('events').where({ object_id: p.id }).orderBy('seq');
    assert.deepEqual(
      events.map((e: { type: string }) => e.type),
      ['payment.created', 'payment.processing', 'payment.captured'],
    );
    assert.equal(await reconciler.run(ANY_AGE), 0, 'nothing left to settle');
  });

  it('waits for an operation to be old enough before asking the bank', async () => {
    const p = await shop.pay(CARDS.timeout, { capture_method: 'manual' });
    assert.equal(await reconciler.run(60_000), 0);
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'processing');
    await reconciler.run(ANY_AGE);
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'authorized');
  });

  it('an adapter that throws leaves the payment processing, and the inquiry settles it', async () => {
    bank.loseNext.push('authorize-throw');
    const p = await shop.pay(CARDS.visa);
    assert.equal(p.status, 'processing');
    await reconciler.run(ANY_AGE);
    // The sandbox has no record of a request that never reached it: nothing was charged.
    assert.equal((await shop.get(`/v1/payments/${p.id}`)).body.status, 'captured');
    assert.ok(!t.logs().includes(CARDS.visa), 'the thrown message with the PAN reached the log');
    assert.ok(t.logs().includes('424242******4242'));
  });

  it('a capture whose answer was lost is sent again with the same reference and applied once', async () => {
    const p = await shop.pay(CARDS.visa, { capture_method: 'manual', amount: 9000 });
    bank.loseNext.push('capture');
    const res = await shop.post(`/v1/payments/${p.id}/capture`, { amount: 4000 }).expect(502);
    assert.equal(res.body.error.code, 'bank_outcome_unknown');
    const busy = await shop.post(`/v1/payments/${p.id}/capture`, { amount: 4000 }).expect(409);
    assert.equal(busy.body.error.code, 'payment_operation_in_progress');
    await reconciler.run(ANY_AGE);
    const settled = (await shop.get(`/v1/payments/${p.id}`)).body;
    assert.equal(settled.status, 'captured');
    assert.equal(settled.amount_captured, 4000);
    const op = await t.gateway.db('bank_operations').where({ payment_id: p.id, kind: 'capture' }).first();
    assert.equal(bank.captures.get(op!.id), 2, 'the retry reused the reference');
    assert.equal(op!.tries, 2);
    assert.equal((await t.gateway.db('events').where({ object_id: p.id, type: 'payment.captured' })).length, 1);
  });

  it('a crash between asking the bank and recording the answer is settled after restart', async () => {
    // Simulate the crash: the operation and the busy payment are recorded, the answer never is.
    const p = await shop.pay(CARDS.visa, { capture_method: 'manual', amount: 3000 });
    const now = Date.now() - 1000;
    const auth = await t.gateway.db('bank_operations').where({ payment_id: p.id }).first();
    await t.gateway.db('bank_operations').insert({
      id: 'op_crashedcapture0001',
      payment_id: p.id,
      merchant_id: auth!.merchant_id,
      livemode: false,
      kind: 'capture',
      adapter_code: 'sandbox',
      amount: 3000,
      currency: 'RUB',
      status: 'pending',
      tries: 1,
      created_at: now,
      updated_at: now,
    });
    await t.gateway.db('payments').where({ id: p.id }).update({ operation_in_progress: 'op_crashedcapture0001', version: 99 });
    await reconciler.run(ANY_AGE);
    const settled = (await shop.get(`/v1/payments/${p.id}`)).body;
    assert.equal(settled.status, 'captured');
    assert.equal(settled.amount_captured, 3000);
  });
});
