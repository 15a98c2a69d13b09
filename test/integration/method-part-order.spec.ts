import assert from 'node:assert/strict';
import request from 'supertest';
import { PaymentMethod, definePlugin } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';
import { islandOf, pageTokenOf } from '../support/hosted-page';
import { voucherMethod } from '../support/voucher-plugin';

/** The voucher method of the test plugin, with its part asking to lead the island (PaymentMethodPage.leads). */
function leadingVoucher(): PaymentMethod {
  const method = voucherMethod();
  if (method.page === undefined) throw new Error('the voucher method has a page part');
  return { ...method, page: { ...method.page, leads: true } };
}

describe("the order of payment methods' parts in the island (PaymentMethodPage.leads)", function () {
  this.timeout(60_000);
  let t: TestGateway;
  let shop: MerchantClient;

  before(async () => {
    const plugin = definePlugin({
      name: 'test-leading-vouchers',
      version: '0.0.1',
      coreRange: '^0.1.0',
      setup: (ctx) => ctx.registerPaymentMethod(leadingVoucher()),
    });
    t = await startTestGateway({ plugins: [sandboxPlugin, plugin] });
    shop = new MerchantClient(t.gateway.app, (await t.createMerchant('Gift Shop')).key);
  });
  after(() => t.close());

  it('shows a leading part before the card form, registered after it, with "or" between the two', async () => {
    const p = await shop.createPayment({ amount: 1000 });
    const island = await islandOf(
      t.gateway.app,
      (
        await request(t.gateway.app)
          .get(`/pay/${pageTokenOf(String(p.payment_url))}`)
          .expect(200)
      ).text,
    );
    const voucher = island.indexOf('id="voucher-option"');
    const or = island.indexOf('class="island-or"');
    const cardForm = island.indexOf('id="card-form"');
    assert.ok(voucher >= 0 && or > voucher && cardForm > or, 'voucher part, "or", card form');
    assert.equal(island.split('class="island-or"').length - 1, 1, 'one divider between two parts');
    assert.match(island, /<p class="island-or" aria-hidden="true"><span>or<\/span><\/p>/);
  });
});
