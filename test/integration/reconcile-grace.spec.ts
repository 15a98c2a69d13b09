import assert from 'node:assert/strict';
import { AuthorizationRequest, BankResult, FixedClock, InquiryRequest, InquiryResult, TenderPlugin, definePlugin } from '@tender/core';
import { SandboxBankAdapter } from '@tender/adapter-sandbox';
import { BankReconciler } from '@tender/core/dist/payments/bank-reconciler';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';

/** A bank (stand-in for one outside Tender) that loses the answer and then does not find the request. */
class ForgetfulSandbox extends SandboxBankAdapter {
  forget = false;
  override async authorize(request: AuthorizationRequest): Promise<BankResult> {
    if (this.forget) return { kind: 'unknown', message: 'answer lost' };
    return super.authorize(request);
  }
  override async inquire(request: InquiryRequest): Promise<InquiryResult> {
    if (this.forget) return { kind: 'not_found', message: 'no record of it' };
    return super.inquire(request);
  }
}

// Issue 19 item 9: "not found" from an inquiry is unknown within TENDER_RECONCILE_GRACE_MINUTES and
// escalated to the operator after it; the payment is never failed by guess.
describe('reconciling an authorization the bank does not find', () => {
  let t: TestGateway;
  let shop: MerchantClient;
  const bank = new ForgetfulSandbox();
  const clock = new FixedClock(Date.UTC(2026, 10, 27, 6, 0));
  const OPERATOR = 'ops@tender.test';

  before(async () => {
    const plugin: TenderPlugin = definePlugin({ name: 'forgetful', version: '0.0.0', coreRange: '*', setup: (ctx) => ctx.registerBankAdapter(bank) });
    t = await startTestGateway({ plugins: [plugin], clock, env: { TENDER_OPERATOR_ALERT_EMAIL: OPERATOR, TENDER_RECONCILE_GRACE_MINUTES: '15' } });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant()).key);
  });
  after(() => t.close());

  it('keeps the payment processing inside the grace period, then alerts the operator once and still does not fail it', async () => {
    bank.forget = true;
    const p = await shop.pay(CARDS.visa, { amount: 2_705 });
    assert.equal(p.status, 'processing');
    const reconciler = t.gateway.container.resolve(BankReconciler);
    clock.advance(14 * 60_000);
    assert.equal(await reconciler.run(0), 0);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'processing', 'inside the grace period "not found" means "not yet"');
    assert.equal((await t.gateway.db('bank_operator_alerts')).length, 0);

    clock.advance(2 * 60_000);
    assert.equal(await reconciler.run(0), 0);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'processing', 'after it, a person decides; never "failed" by guess');
    const events = await t.gateway.db('events').where({ object_id: p.id, type: 'bank_operation.unresolved' });
    assert.equal(events.length, 1);
    const mails = await t.gateway.db('email_outbox').where({ recipient: OPERATOR });
    assert.equal(mails.length, 1);
    assert.match(String(mails[0].data), new RegExp(p.id));

    clock.advance(60_000);
    await reconciler.run(0);
    assert.equal((await t.gateway.db('email_outbox').where({ recipient: OPERATOR })).length, 1, 'one alert per operation');

    // The bank finds it after all: the reconciler settles it as usual.
    bank.forget = false;
    clock.advance(60_000);
    assert.equal(await reconciler.run(0), 1);
    assert.equal((await shop.get(`/v1/payments/${p.id}`).expect(200)).body.status, 'captured');
  });
});
