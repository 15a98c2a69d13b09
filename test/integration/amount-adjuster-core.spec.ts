import assert from 'node:assert/strict';
import { z } from 'zod';
import { AmountAdjusterRegistry, TenderError, definePlugin } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { CARDS, MerchantClient, card } from '../support/merchant-client';

/**
 * Core's AmountAdjuster extension point through a stand-in plugin (a coupon that
 * takes a fixed amount off, written in the confirm transaction), using only
 * @tender/core's public API: the bank is asked for the net, the payment keeps the
 * gross and the discount, an adjuster's refusal or an impossible discount writes
 * nothing, and each confirm starts again from the gross.
 */
const couponPlugin = definePlugin({
  name: '@acme/tender-plugin-coupons',
  version: '1.0.0',
  coreRange: '^0.1.0',
  migrations: [
    {
      name: '001-coupon-uses',
      up: (db) =>
        db.schema.createTable('coupons_uses', (t) => {
          t.string('payment_id', 40).notNullable();
          t.bigInteger('off').notNullable();
        }),
    },
  ],
  setup(ctx) {
    ctx.registerAmountAdjuster({
      name: 'coupons',
      input: z.object({ off: z.number().int().min(0), refuse: z.boolean().default(false) }).strict(),
      async prepare(input) {
        if (input.refuse) throw new TenderError('parameter_invalid', { param: 'adjustments.coupons.refuse', message: 'refused before anything is written' });
        return {
          async apply(trx, due) {
            await trx('coupons_uses').insert({ payment_id: due.payment.id, off: input.off });
            return input.off;
          },
        };
      },
    });
  },
});

describe('core: amount adjustments at confirm (AmountAdjuster)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;
  const uses = async () => Number((await t.gateway.db('coupons_uses').count({ n: '*' }).first())?.n ?? 0);
  const operations = async (id: string) => Number((await t.gateway.db('bank_operations').where({ payment_id: id }).count({ n: '*' }).first())?.n ?? 0);

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, couponPlugin], dashboard: false });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Coupon Shop')).key);
  });
  after(() => t?.close());

  it('asks the bank for the net and keeps gross and discount; a payment without adjustments shows gross = amount', async () => {
    const plain = await shop.createPayment({ amount: 5000 });
    assert.deepEqual([plain.amount, plain.amount_gross, plain.amount_discount], [5000, 5000, 0]);
    const p = await shop.createPayment({ amount: 5000, capture_method: 'manual' });
    const body = (await shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.visa), adjustments: { coupons: { off: 1200 } } }).expect(200)).body;
    assert.deepEqual([body.amount, body.amount_gross, body.amount_discount], [3800, 5000, 1200]);
    assert.equal(Number((await t.gateway.db('bank_operations').where({ payment_id: p.id }).first())!.amount), 3800);
    await shop.post(`/v1/payments/${p.id}/capture`, { amount: 3801 }).expect(400);
    assert.equal((await shop.post(`/v1/payments/${p.id}/capture`, {}).expect(200)).body.amount_captured, 3800);
  });

  it('writes nothing when the adjuster refuses, the discount is impossible, or the name is unknown', async () => {
    const p = await shop.createPayment({ amount: 5000 });
    const before = await uses();
    await shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.visa), adjustments: { coupons: { off: 1, refuse: true } } }).expect(400);
    await shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.visa), adjustments: { coupons: { off: 'x' } } }).expect(400);
    assert.equal(
      (await shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.visa), adjustments: { nobody: {} } }).expect(400)).body.error.param,
      'adjustments.nobody',
    );
    // The whole amount off: the bank is always asked for at least one minor unit, so the confirm fails and rolls back.
    await shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.visa), adjustments: { coupons: { off: 5000 } } }).expect(500);
    assert.equal(await uses(), before);
    assert.equal(await operations(p.id), 0);
    const after = (await shop.get(`/v1/payments/${p.id}`).expect(200)).body;
    assert.deepEqual([after.status, after.amount, after.amount_discount], ['pending', 5000, 0]);
  });

  it('starts each confirm again from the gross (a new attempt after a decline)', async () => {
    const p = await shop.createPayment({ amount: 5000 });
    await shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.doNotHonor), adjustments: { coupons: { off: 1000 } } });
    const retried = (await shop.post(`/v1/payments/${p.id}/confirm`, { ...card(CARDS.visa), adjustments: { coupons: { off: 300 } } }).expect(200)).body;
    assert.deepEqual([retried.status, retried.amount, retried.amount_discount], ['captured', 4700, 300]);
    const again = await shop.createPayment({ amount: 5000 });
    await shop.post(`/v1/payments/${again.id}/confirm`, { ...card(CARDS.doNotHonor), adjustments: { coupons: { off: 1000 } } });
    const plain = (await shop.post(`/v1/payments/${again.id}/confirm`, card(CARDS.visa)).expect(200)).body;
    assert.deepEqual([plain.amount, plain.amount_discount], [5000, 0]);
  });

  it('takes only adjusters named after their plugin, once', () => {
    const registry = new AmountAdjusterRegistry();
    const adjuster = { name: 'coupons', input: z.object({}), prepare: async () => ({ apply: async () => 0 }) };
    assert.throws(() => registry.add('loyalty', adjuster), /must be named after its plugin/);
    registry.add('coupons', adjuster);
    assert.throws(() => registry.add('coupons', adjuster), /registered already/);
  });
});
