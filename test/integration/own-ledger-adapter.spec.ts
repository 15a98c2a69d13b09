import assert from 'node:assert/strict';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { MerchantClient } from '../support/merchant-client';
import { RowCounter } from '../support/row-counts';
import { LedgerVoucherBank, VoucherBank, voucherPlugin } from '../support/voucher-plugin';

/**
 * BankAdapter.ownLedger: an instrument bound to its issuer (`issuerAdapter`) reaches
 * a test-mode payment only at the sandbox, unless the issuer is its own ledger (a
 * plugin's prepaid vouchers: no money leaves the gateway). The plugin starter
 * (docs/examples/plugin-starter) relies on it to take test-mode vouchers.
 */
describe('an issuer that is its own ledger takes test-mode payments bound to it', function () {
  let t: TestGateway;
  let merchant: MerchantClient;
  const ledger = new LedgerVoucherBank();
  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, voucherPlugin({ bank: ledger, issuer: ledger.code })] });
    merchant = new MerchantClient(t.gateway.app, (await t.createMerchant('Ledger Shop')).key);
  });
  after(() => t.close());

  it('pays a test-mode payment at the own-ledger issuer, asked in test mode', async () => {
    const payment = await merchant.createPayment({ amount: 1500 });
    const res = await merchant
      .post(`/v1/payments/${payment.id}/confirm`, { payment_method: { type: 'voucher', voucher: { code: 'GIFT20261204' } } })
      .expect(200);
    assert.equal(res.body.status, 'captured');
    assert.equal(ledger.redeemed.at(-1)?.livemode, false);
    assert.equal(ledger.redeemed.at(-1)?.amount, 1500);
  });
});

describe('an issuer outside the gateway is never reached in test mode', function () {
  let t: TestGateway;
  let merchant: MerchantClient;
  const outside = new VoucherBank();

  before(async () => {
    t = await startTestGateway({ plugins: [sandboxPlugin, voucherPlugin({ bank: outside, issuer: outside.code })] });
    merchant = new MerchantClient(t.gateway.app, (await t.createMerchant('Outside Shop')).key);
  });
  after(() => t.close());

  it('refuses with no_bank_connection and writes nothing', async () => {
    const payment = await merchant.createPayment({ amount: 1500 });
    const counter = await RowCounter.of(t.gateway.db);
    const before = await counter.counts();
    const res = await merchant
      .post(`/v1/payments/${payment.id}/confirm`, { payment_method: { type: 'voucher', voucher: { code: 'GIFT20261204' } } })
      .expect(502);
    assert.equal(res.body.error.code, 'no_bank_connection');
    assert.deepEqual(RowCounter.changed(before, await counter.counts()), []);
    assert.equal(outside.redeemed.length, 0);
  });
});
