import assert from 'node:assert/strict';
import { MerchantContext, TenderError } from '@tender/core';
import { DashboardPaymentActions } from '@tender/dashboard/dist/dashboard/payment-actions';
import { PaymentTimelineAssembler } from '@tender/dashboard/dist/dashboard/payment-timeline';
import { SupportRefundLimits } from '@tender/dashboard/dist/dashboard/support-refund-limits';
import { PaymentService } from '@tender/core/dist/payments/payment.service';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient } from '../support/merchant-client';
import { FAST_WEBHOOKS, WebhookReceiver, eventually } from '../support/webhook-receiver';

const key = (n: number) => `formkey${String(n).padStart(17, '0')}`;

async function rejectsWith(work: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(work, (error: unknown) => error instanceof TenderError && error.code === code);
}

/** Capture, cancel and refund as the dashboard does them, and the timeline that shows them (services directly). */
describe('dashboard: payment actions and timeline', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  let ctx: MerchantContext;
  let otherCtx: MerchantContext;
  let actions: DashboardPaymentActions;
  let receiver: WebhookReceiver;

  before(async () => {
    t = await startTestGateway({ env: FAST_WEBHOOKS });
    t.gateway.startBackgroundJobs();
    const a = await t.createMerchant('Shop A');
    const b = await t.createMerchant('Shop B');
    shop = new MerchantClient(t.gateway.app, a.key);
    ctx = { merchantId: a.id, livemode: false };
    otherCtx = { merchantId: b.id, livemode: false };
    actions = t.gateway.container.resolve(DashboardPaymentActions);
    receiver = await new WebhookReceiver().start();
    await shop.post('/v1/webhook_endpoints', { url: receiver.url(), events: ['*'] }).expect(201);
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  const payment = (id: string) => t.gateway.container.resolve(PaymentService).retrieve(ctx, id);
  const counts = async (id: string) => ({
    refunds: (await t.gateway.db('refunds').where({ payment_id: id })).length,
    events: (await t.gateway.db('events').where({ object_id: id })).length,
    operations: (await t.gateway.db('bank_operations').where({ payment_id: id })).length,
  });

  it('refunds part of a payment through the refund service, and the timeline tells the whole story', async () => {
    const p = await shop.pay(CARDS.visa, { amount: 10000 });
    const refund = await actions.refund({ ctx, role: 'owner' }, p.id, 3000, 'one item returned', key(1));
    assert.equal(refund.status, 'succeeded');
    assert.equal(refund.amount, 3000);
    const after = await payment(p.id);
    assert.equal(after.status, 'partially_refunded');
    assert.equal(after.amountRefunded, 3000);

    await eventually(
      async () =>
        (
          await t.gateway
            .db('webhook_deliveries')
            .where({ status: 'delivered' })
            .whereIn('event_id', t.gateway.db('events').select('id').where({ object_id: p.id }))
        ).length >= 3,
      'the payment events delivered',
    );
    const timeline = await t.gateway.container.resolve(PaymentTimelineAssembler).assemble(ctx, after);
    const kinds = new Set(timeline.entries.map((e) => e.kind));
    for (const kind of ['created', 'risk', 'attempt', 'bank', 'refund', 'event', 'webhook'] as const)
      assert.ok(kinds.has(kind), `timeline has ${kind}: ${[...kinds].join(', ')}`);
    const titles = timeline.entries.map((e) => e.title);
    assert.ok(titles.includes('payment.partially_refunded'));
    assert.ok(titles.includes('refund.succeeded'));
    assert.ok(
      titles.some((title) => title.startsWith('refund: succeeded')),
      `the bank's refund answer: ${titles.join(' / ')}`,
    );
    assert.ok(
      titles.some((title) => /^webhook payment\.captured: delivered$/.test(title)),
      titles.join(' / '),
    );
    assert.deepEqual(
      timeline.refunds.map((r) => r.id),
      [refund.id],
    );
    for (let i = 1; i < timeline.entries.length; i++) assert.ok((timeline.entries[i - 1]?.at ?? 0) <= (timeline.entries[i]?.at ?? 0), 'oldest first');
    // Another merchant's context reads nothing of it.
    const foreign = await t.gateway.container.resolve(PaymentTimelineAssembler).assemble(otherCtx, after);
    assert.deepEqual(
      foreign.entries.map((e) => e.kind),
      ['created'],
      'only the payment handed in; no rows of another tenant',
    );
  });

  it('a confirmation form sent twice refunds once', async () => {
    const p = await shop.pay(CARDS.visa, { amount: 10000 });
    const first = await actions.refund({ ctx, role: 'owner' }, p.id, 1000, undefined, key(2));
    const again = await actions.refund({ ctx, role: 'owner' }, p.id, 1000, undefined, key(2));
    assert.equal(again.id, first.id);
    assert.equal((await counts(p.id)).refunds, 1);
    assert.equal((await payment(p.id)).amountRefunded, 1000);
  });

  it('support refunds only up to the limit the owner set, per currency; above it nothing is written', async () => {
    const p = await shop.pay(CARDS.visa, { amount: 10000 });
    const before = await counts(p.id);
    await rejectsWith(actions.refund({ ctx, role: 'support' }, p.id, 1000, undefined, key(3)), 'refund_limit_exceeded');
    assert.deepEqual(await counts(p.id), before, 'no limit set: support cannot refund');

    const limits = t.gateway.container.resolve(SupportRefundLimits);
    await limits.set(ctx, 'RUB', 5000);
    await limits.set(otherCtx, 'RUB', 1_000_000);
    await rejectsWith(actions.refund({ ctx, role: 'support' }, p.id, 5001, undefined, key(4)), 'refund_limit_exceeded');
    assert.deepEqual(await counts(p.id), before);
    const ok = await actions.refund({ ctx, role: 'support' }, p.id, 5000, undefined, key(5));
    assert.equal(ok.status, 'succeeded');
    assert.deepEqual(await limits.list(ctx), [{ currency: 'RUB', maxAmount: 5000 }], "one merchant's limit is not another's");
    await limits.set(ctx, 'RUB', 0);
    assert.deepEqual(await limits.list(ctx), []);
  });

  it('captures and cancels through the payment service, once per confirmation', async () => {
    const held = await shop.pay(CARDS.visa, { amount: 8000, capture_method: 'manual' });
    await actions.capture({ ctx, role: 'support' }, held.id, 5000, key(6));
    await actions.capture({ ctx, role: 'support' }, held.id, 5000, key(6));
    const captured = await payment(held.id);
    assert.equal(captured.status, 'captured');
    assert.equal(captured.amountCaptured, 5000);
    assert.equal((await t.gateway.db('bank_operations').where({ payment_id: held.id, kind: 'capture' })).length, 1);

    const other = await shop.pay(CARDS.visa, { amount: 8000, capture_method: 'manual' });
    await actions.cancel({ ctx, role: 'developer' }, other.id, key(7));
    assert.equal((await payment(other.id)).status, 'canceled');
    await rejectsWith(actions.capture({ ctx, role: 'owner' }, other.id, undefined, key(8)), 'payment_invalid_state');
  });

  it("cannot touch another merchant's payment", async () => {
    const p = await shop.pay(CARDS.visa, { amount: 10000 });
    const before = await counts(p.id);
    await rejectsWith(actions.refund({ ctx: otherCtx, role: 'owner' }, p.id, 100, undefined, key(9)), 'resource_not_found');
    await rejectsWith(actions.cancel({ ctx: otherCtx, role: 'owner' }, p.id, key(10)), 'resource_not_found');
    await rejectsWith(actions.refund({ ctx: otherCtx, role: 'support' }, p.id, 100, undefined, key(11)), 'resource_not_found');
    assert.deepEqual(await counts(p.id), before);
  });
});
